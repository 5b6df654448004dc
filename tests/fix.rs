//! `crosswire --fix` end to end on temporary folders: it writes the safe fixes to the linted
//! files, reports what remains (and exits by it), and never writes through a symbolic link
//! or to a file that is not linted.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{stderr, stdout, write};

fn crosswire(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosswire"))
        .args(args)
        .current_dir(dir)
        .env(
            "XDG_CACHE_HOME",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("fix-cache-home"),
        )
        .output()
        .expect("crosswire runs")
}

const INSECURE: &str = "// chat\nconst socket = new WebSocket(\"ws://chat.example.com/live\");\n";
const SECURE: &str = "// chat\nconst socket = new WebSocket(\"wss://chat.example.com/live\");\n";

#[test]
fn fix_writes_the_fixes_and_reports_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/chat.js", INSECURE);
    write(
        dir.path(),
        "src/page.html",
        "<!DOCTYPE html>\n<script>\n  const feed = new WebSocket('ws://feed.example.com/');\n  \
         parent.postMessage(feed.url, \"*\");\n</script>\n",
    );
    write(dir.path(), "src/clean.js", "export const x = 1;\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join("src/chat.js");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    }
    let output = crosswire(
        dir.path(),
        &[
            "--fix",
            "--format",
            "compact",
            "--rule",
            "websocket-no-heartbeat=off",
            "--rule",
            "websocket-no-reconnect=off",
            ".",
        ],
    );
    let text = |name: &str| fs::read_to_string(dir.path().join(name)).unwrap();
    assert_eq!(text("src/chat.js"), SECURE);
    assert!(text("src/page.html").contains("new WebSocket('wss://feed.example.com/')"));
    assert_eq!(text("src/clean.js"), "export const x = 1;\n");
    assert!(
        stderr(&output).contains("crosswire: --fix: applied 2 fixes in 2 files"),
        "{}",
        stderr(&output)
    );
    // What remains: the wildcard post, which has no fix here (its target is the parent).
    let report = stdout(&output);
    assert!(!report.contains("websocket-insecure-url"), "{report}");
    assert!(report.contains("postmessage-wildcard-origin"), "{report}");
    assert_eq!(output.status.code(), Some(1), "{report}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("src/chat.js"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640, "the mode is kept");
    }
    // No temporary files are left behind.
    let names: Vec<String> = fs::read_dir(dir.path().join("src"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    // Nothing left to fix: the second run writes nothing and says so.
    let again = crosswire(dir.path(), &["--fix", "--format", "compact", "."]);
    assert!(
        stderr(&again).contains("applied 0 fixes in 0 files"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn fix_exits_0_when_nothing_remains() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "chat.js", INSECURE);
    write(
        dir.path(),
        "crosswire.toml",
        "[rules]\nwebsocket-no-heartbeat = \"off\"\nwebsocket-no-reconnect = \"off\"\n",
    );
    let before = crosswire(dir.path(), &["chat.js"]);
    assert_eq!(before.status.code(), Some(1));
    let output = crosswire(dir.path(), &["--fix", "chat.js"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        fs::read_to_string(dir.path().join("chat.js")).unwrap(),
        SECURE
    );
}

#[cfg(unix)]
#[test]
fn fix_never_writes_through_a_symbolic_link() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "victim.js", INSECURE);
    write(outside.path(), "folder/victim.js", INSECURE);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/own.js", INSECURE);
    symlink(
        outside.path().join("victim.js"),
        dir.path().join("src/linked.js"),
    )
    .unwrap();
    symlink(
        outside.path().join("folder"),
        dir.path().join("src/linked-folder"),
    )
    .unwrap();
    // Named directly, a linked file and a file below a linked folder are linted (the user
    // named them) but not written.
    let output = crosswire(
        dir.path(),
        &[
            "--fix",
            "--format",
            "compact",
            "src/linked.js",
            "src/linked-folder/victim.js",
            "src/own.js",
            "src",
        ],
    );
    let errors = stderr(&output);
    assert_eq!(
        fs::read_to_string(outside.path().join("victim.js")).unwrap(),
        INSECURE
    );
    assert_eq!(
        fs::read_to_string(outside.path().join("folder/victim.js")).unwrap(),
        INSECURE
    );
    assert!(
        fs::symlink_metadata(dir.path().join("src/linked.js"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is not replaced by a file"
    );
    assert!(errors.contains("src/linked.js: not fixed"), "{errors}");
    assert!(
        errors.contains("src/linked-folder/victim.js: not fixed"),
        "{errors}"
    );
    assert!(errors.contains("symbolic link"), "{errors}");
    assert_eq!(
        fs::read_to_string(dir.path().join("src/own.js")).unwrap(),
        SECURE
    );
    assert!(errors.contains("applied 1 fix in 1 file"), "{errors}");
    // Their findings remain, so the run still fails.
    assert!(
        stdout(&output).contains("src/linked.js"),
        "{}",
        stdout(&output)
    );
    assert_eq!(output.status.code(), Some(1));
    // A linked folder named as the path to lint is not written through either.
    let output = crosswire(dir.path(), &["--fix", "src/linked-folder"]);
    assert_eq!(
        fs::read_to_string(outside.path().join("folder/victim.js")).unwrap(),
        INSECURE
    );
    assert!(stderr(&output).contains("not fixed"), "{}", stderr(&output));
}

#[test]
fn fix_leaves_a_file_that_is_not_utf8_as_it_is_and_refuses_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = INSECURE.as_bytes().to_vec();
    bytes.extend_from_slice(b"// caf\xe9\n");
    write(dir.path(), "latin1.js", &bytes);
    let output = crosswire(dir.path(), &["--fix", "latin1.js"]);
    assert_eq!(fs::read(dir.path().join("latin1.js")).unwrap(), bytes);
    assert!(
        stderr(&output).contains("not fixed: it is not valid UTF-8"),
        "{}",
        stderr(&output)
    );
    let output = crosswire(dir.path(), &["--fix", "-"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("does not read standard input"),
        "{}",
        stderr(&output)
    );
}

/// The `"*"` of a post to a window this file opened or framed becomes that page's origin;
/// the posts whose receiver's origin is not known, or not one, keep theirs.
#[test]
fn fix_posts_to_the_origin_the_code_opened_or_framed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, fixes, left) in [("known-targets.js", 3, 5), ("framed-by-id.html", 2, 3)] {
        let dir = tempfile::tempdir().unwrap();
        let original =
            fs::read_to_string(root.join("fixtures/postmessage-wildcard-origin").join(name))
                .unwrap();
        write(dir.path(), name, &original);
        let output = crosswire(dir.path(), &["--fix", "--format", "compact", name]);
        let fixed = fs::read_to_string(dir.path().join(name)).unwrap();
        let (stem, extension) = name.rsplit_once('.').unwrap();
        let expected = fs::read_to_string(
            root.join("tests/data/fix")
                .join(format!("{stem}.fixed.{extension}")),
        )
        .unwrap();
        assert_eq!(fixed, expected, "{}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!("applied {fixes} fixes in 1 file")),
            "{}",
            stderr(&output)
        );
        // The posts without a fix remain.
        let remaining = stdout(&output)
            .lines()
            .filter(|line| line.contains("postmessage-wildcard-origin"))
            .count();
        assert_eq!(remaining, left, "{}", stdout(&output));
    }
}
