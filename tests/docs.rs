//! The rule docs are the single source for `--explain`, SARIF metadata and the
//! README table; these tests keep them complete, runnable and in sync.

use std::path::Path;

use crosswire::config::Config;
use crosswire::lint::Engine;
use crosswire::rules::{RULES, all_docs, markdown_table};
use crosswire::source::FileKind;

const README_BEGIN: &str = "<!-- rules:begin -->\n";
const README_END: &str = "<!-- rules:end -->";
const HEADINGS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## How to fix",
    "## When to silence it",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_rule_has_a_complete_doc_and_every_doc_a_rule() {
    for (rule, doc) in RULES.iter().zip(all_docs()) {
        assert_eq!(rule.id, doc.id, "front matter id of rules/{}.md", rule.id);
        assert!(root().join(format!("rules/{}.md", rule.id)).is_file());
        assert!(!doc.summary.is_empty());
        for heading in HEADINGS {
            assert!(
                doc.body.contains(heading),
                "rules/{}.md lacks `{heading}`",
                rule.id
            );
        }
    }
    for entry in std::fs::read_dir(root().join("rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let id = name
            .strip_suffix(".md")
            .expect("rules/ holds only .md files");
        assert!(
            RULES.iter().any(|rule| rule.id == id),
            "rules/{name} has no rule"
        );
    }
}

#[test]
fn readme_rule_table_matches_the_docs() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(README_BEGIN)
        .expect("README has the rules:begin marker")
        + README_BEGIN.len();
    let end = readme
        .find(README_END)
        .expect("README has the rules:end marker");
    let table = markdown_table();
    if readme[start..end] != table {
        if std::env::var_os("CROSSWIRE_UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..start], table, &readme[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README.md's rule table is out of date; run \
                 `CROSSWIRE_UPDATE_README=1 cargo test --test docs` or paste:\n{table}"
            );
        }
    }
}

/// Code blocks of a section, with their language.
fn code_blocks<'a>(body: &'a str, heading: &str) -> Vec<(&'a str, &'a str)> {
    let Some(start) = body.find(heading) else {
        return Vec::new();
    };
    let section = &body[start + heading.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut blocks = Vec::new();
    let mut rest = section;
    while let Some(open) = rest.find("```") {
        let after = &rest[open + 3..];
        let (language, code) = after.split_once('\n').unwrap();
        let close = code.find("```").expect("code block is closed");
        blocks.push((language.trim(), &code[..close]));
        rest = &code[close + 3..];
    }
    blocks
}

fn rules_found(language: &str, code: &str) -> Vec<&'static str> {
    let name = match language {
        "ts" => "example.ts",
        "tsx" => "example.tsx",
        _ => "example.js",
    };
    let engine = Engine::new(Config::defaults(root().to_path_buf()));
    let kind = FileKind::from_path(Path::new(name)).unwrap();
    engine
        .lint_bytes(name.to_string(), code.as_bytes().to_vec(), kind)
        .findings
        .iter()
        .map(|finding| finding.rule)
        .collect()
}

#[test]
fn doc_examples_are_flagged_and_fixes_are_not() {
    for (rule, doc) in RULES.iter().zip(all_docs()) {
        // A project-level rule's examples span several files; its project fixtures test it.
        if rule.project {
            continue;
        }
        let examples = code_blocks(&doc.body, "## Example");
        assert!(
            !examples.is_empty(),
            "rules/{}.md has no example code",
            doc.id
        );
        for (language, code) in examples {
            let found = rules_found(language, code);
            assert!(
                found.contains(&doc.id.as_str()),
                "rules/{}.md example is not flagged:\n{code}\nfound: {found:?}",
                doc.id
            );
        }
        // A fix is quiet for its own rule, and a silenced example leaves no unused directive;
        // other rules may still have something to say about a short snippet.
        for heading in ["## How to fix", "## When to silence it"] {
            for (language, code) in code_blocks(&doc.body, heading) {
                let found = rules_found(language, code);
                let own = found
                    .iter()
                    .any(|rule| *rule == doc.id || *rule == "unused-ignore");
                assert!(
                    !own,
                    "rules/{}.md `{heading}` code is flagged ({found:?}):\n{code}",
                    doc.id
                );
            }
        }
    }
}
