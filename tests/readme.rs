//! The commands README.md, action.yml and the pre-commit hook show must use flags the
//! CLI really has.

use std::path::Path;
use std::process::Command;

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

/// `--flag` words in the text of every line that runs crosswire (or passes it `args`).
fn flags_in(text: &str) -> Vec<String> {
    let mut flags = Vec::new();
    for line in text.lines() {
        let runs_crosswire = line.contains("crosswire ")
            || line.trim_start().starts_with("args:")
            || line.trim_start().starts_with("default: --");
        if !runs_crosswire {
            continue;
        }
        for word in
            line.split(|c: char| c.is_whitespace() || c == '`' || c == ',' || c == '[' || c == ']')
        {
            let word = word.trim_matches(|c: char| c == '(' || c == ')' || c == '"');
            if let Some(flag) = word.strip_prefix("--")
                && !flag.is_empty()
                && flag.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && !["locked", "path", "git"].contains(&flag)
            {
                flags.push(format!("--{flag}"));
            }
        }
    }
    flags.sort();
    flags.dedup();
    flags
}

#[test]
fn documented_flags_exist() {
    let help = Command::new(env!("CARGO_BIN_EXE_crosswire"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let mut checked = 0;
    for source in ["README.md", "action.yml", ".pre-commit-hooks.yaml"] {
        for flag in flags_in(&read(source)) {
            assert!(
                help.contains(&flag),
                "{source} uses {flag}, which `crosswire --help` does not list"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 10,
        "only {checked} flags found; is the extraction broken?"
    );
    // The workflow snippets use what they claim to.
    let readme = read("README.md");
    assert!(readme.contains("args: --format sarif --output crosswire.sarif ."));
    assert!(readme.contains("args: --format github ."));
    // The Action hands its inputs to the scripts through `env:`, never pasting `${{ … }}` into
    // a `run:` script, where a crafted input would run as shell code.
    let action = read("action.yml");
    assert!(action.contains("CROSSWIRE_ARGS: ${{ inputs.args }}"));
    for line in action.lines() {
        if let Some(script) = line.trim_start().strip_prefix("run:") {
            assert!(
                !script.contains("${{"),
                "action.yml pastes an expression into run:{script}"
            );
        }
    }
    assert!(
        !action.contains("run: |"),
        "a run: block would need the same check line by line"
    );
    assert!(read(".pre-commit-hooks.yaml").contains("args: [--format, compact]"));
}

/// The long flags in a text: `--word` followed by a space, `>`, `,` or a backtick.
fn long_flags(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|c: char| c.is_whitespace() || c == '`' || c == ',' || c == '|')
        .filter_map(|word| word.strip_prefix("--"))
        .map(|flag| flag.split(['<', '[', '=']).next().unwrap_or_default())
        .filter(|flag| flag.len() > 1 && flag.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(|flag| format!("--{flag}"))
        .collect()
}

#[test]
fn readme_flag_table_lists_every_flag_of_the_cli() {
    let help = Command::new(env!("CARGO_BIN_EXE_crosswire"))
        .arg("--help")
        .output()
        .unwrap();
    let help = long_flags(&String::from_utf8(help.stdout).unwrap());
    let readme = read("README.md");
    let table: String = readme
        .lines()
        .filter(|line| line.starts_with("| `-"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        long_flags(&table),
        help,
        "README's option table and `crosswire --help` differ"
    );
}
