import { useDeck } from "./useDeck.js";

export default function App() {
  const [slides, update] = useDeck();
  return (
    <div className="editor">
      <ol>
        {slides.map((s, i) => (
          <li key={i}>
            <textarea
              value={s}
              onChange={(e) => update(slides.map((x, j) => (j === i ? e.target.value : x)))}
            />
          </li>
        ))}
      </ol>
      <iframe className="preview" src="/preview.html" title="Live preview" />
    </div>
  );
}
