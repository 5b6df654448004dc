//! What `--changed-since` asks git. The ref comes from the command line and the
//! repository may be hostile (a checked-out pull request, an unpacked archive with its
//! own `.git`), so: a ref is resolved to a commit id before anything else sees it and is
//! never read as an option; file names are read NUL-separated, as bytes; and only
//! commands that run no program a repository's config can name are used.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The files changed since a commit (committed, staged, unstaged or untracked), each
/// named by its canonical folder and its own name, so that a changed symbolic link is
/// not taken for its target.
#[derive(Debug, Default)]
pub struct ChangedFiles {
    files: Vec<PathBuf>,
}

impl ChangedFiles {
    /// For every root (a file or folder, as given on the command line), the changed
    /// files inside it, spelled as a walk from that root spells them; a root that cannot
    /// be resolved is kept as it is, so that reading it reports why.
    pub fn under(&self, roots: &[PathBuf]) -> Vec<PathBuf> {
        let mut selected = Vec::new();
        for root in roots {
            let Ok(canonical_root) = std::fs::canonicalize(root) else {
                selected.push(root.clone());
                continue;
            };
            for file in &self.files {
                if let Ok(inside) = file.strip_prefix(&canonical_root) {
                    if inside.as_os_str().is_empty() {
                        selected.push(root.clone());
                    } else {
                        selected.push(root.join(inside));
                    }
                }
            }
        }
        selected
    }
}

/// Asks git, from `cwd`, which files changed since `reference`.
pub fn changed_files(reference: &OsStr, cwd: &Path) -> Result<ChangedFiles, String> {
    let shown_reference = printable(&reference.to_string_lossy());
    if reference.is_empty() {
        return Err("--changed-since needs a git ref, and it is empty".into());
    }
    // `--end-of-options` below already keeps git from reading it as an option; this says
    // why in words, and holds with a git too old to know `--end-of-options`.
    if reference.as_encoded_bytes().starts_with(b"-") {
        return Err(format!(
            "--changed-since `{shown_reference}`: a git ref cannot start with `-`"
        ));
    }
    // No ref holds one (git check-ref-format), and git would echo it into its messages,
    // where a newline could start a line that CI reads as a command.
    if reference
        .as_encoded_bytes()
        .iter()
        .any(|byte| byte.is_ascii_control())
    {
        return Err(format!(
            "--changed-since `{shown_reference}`: a git ref cannot hold control characters"
        ));
    }
    let git = Git::new(cwd)?;
    let top = path_from_bytes(strip_newline(
        git.run(cwd, &["rev-parse", "--show-toplevel"].map(OsStr::new))?,
    ));
    let commit = resolve_commit(&git, reference, &shown_reference, cwd)?;
    // Plumbing, not `git diff`: the porcelain rehashes files whose stat changed, through
    // the clean filters of `.gitattributes`, which run programs the config names. A
    // touched but unchanged file is listed as changed and linted, which loses nothing.
    let committed = git.run(
        cwd,
        &[
            "diff-index",
            "-z",
            "--name-only",
            "--no-renames",
            "--ignore-submodules=all",
            "--no-ext-diff",
            "--no-textconv",
            commit.as_str(),
            "--",
        ]
        .map(OsStr::new),
    )?;
    // From the top: `ls-files` run below it lists only the files below the working
    // directory, and untracked files elsewhere in the repository would be lost.
    let untracked = git.run(
        &top,
        &["ls-files", "-z", "--others", "--exclude-standard", "--"].map(OsStr::new),
    )?;
    let mut files: Vec<PathBuf> = committed
        .split(|byte| *byte == 0)
        .chain(untracked.split(|byte| *byte == 0))
        .filter(|name| !name.is_empty())
        .map(|name| top.join(path_from_bytes(name.to_vec())))
        // Walks never follow symbolic links; neither does the selection.
        .filter(|path| path.symlink_metadata().is_ok_and(|meta| meta.is_file()))
        .filter_map(|path| identity(&path))
        .collect();
    files.sort();
    files.dedup();
    Ok(ChangedFiles { files })
}

/// What git tracks below a folder of the walk (see [`tracked_files`]).
#[derive(Debug, Default)]
pub struct Tracked {
    /// The files, spelled as the walk spells them (joined to its root).
    pub files: Vec<PathBuf>,
    /// What git said on standard error although it answered (a submodule it could not
    /// read): some tracked files may be missing.
    pub warning: Option<String>,
}

/// The files git tracks below `root` (only `only`, relative to `root`, when given),
/// submodules' included. The walk asks: ignore files decide only for files git does not
/// track (as git itself reads them), so a pull request cannot hide a tracked file from
/// crosswire with a line in a `.gitignore`. `top` is the canonical top folder of the
/// repository `root` lies in: git runs there, so a repository planted inside the tree (a
/// bare one in a fixtures folder) is never the one asked. Only plain relative names are
/// returned.
pub fn tracked_files(root: &Path, top: &Path, only: Option<&Path>) -> Result<Tracked, String> {
    let canonical_root = std::fs::canonicalize(root).map_err(|error| error.to_string())?;
    let below = canonical_root
        .strip_prefix(top)
        .map_err(|_| "the folder is not inside the repository".to_string())?;
    let mut spec = below.to_path_buf();
    if let Some(only) = only {
        spec.push(only);
    }
    let git = Git::for_purpose(top, "telling tracked files from ignored ones")?;
    let list = |recurse: bool| {
        let mut args: Vec<&OsStr> = ["ls-files", "-z", "--cached"].map(OsStr::new).to_vec();
        if recurse {
            args.push(OsStr::new("--recurse-submodules"));
        }
        args.push(OsStr::new("--"));
        if !spec.as_os_str().is_empty() {
            args.push(spec.as_os_str());
        }
        git.run_allowing(top, &args, &[])
    };
    // A broken `.gitmodules` (a pull request can commit one) fails the recursion: the
    // repository's own files are still listed, and the failure said.
    let (listed, said) = match list(true) {
        Ok(answer) => answer,
        Err(submodules) => {
            let (listed, mut said) = list(false)?;
            said.extend_from_slice(submodules.as_bytes());
            (listed, said)
        }
    };
    let files = listed
        .split(|byte| *byte == 0)
        .filter(|name| !name.is_empty())
        .map(|name| path_from_bytes(name.to_vec()))
        .filter(|name| {
            name.components()
                .all(|part| matches!(part, std::path::Component::Normal(_)))
        })
        .filter_map(|name| Some(root.join(name.strip_prefix(below).ok()?)))
        .collect();
    let said = String::from_utf8_lossy(&said);
    let said: String = said.trim().chars().take(WARNING_LIMIT).collect();
    Ok(Tracked {
        files,
        warning: (!said.is_empty()).then(|| printable(&said)),
    })
}

/// The commit id `reference` names, verified to be one commit; a range, a tree, a blob
/// or anything else is an error in git's words.
fn resolve_commit(git: &Git, reference: &OsStr, shown: &str, cwd: &Path) -> Result<String, String> {
    let verify = |name: &OsStr| {
        git.run(
            cwd,
            &[
                "rev-parse".as_ref(),
                "--verify".as_ref(),
                "--end-of-options".as_ref(),
                name,
            ],
        )
        .map(strip_newline)
    };
    // Two steps, since a suffix would become part of a `:/message` search.
    let object = verify(reference).map_err(|message| {
        let mut message = format!("--changed-since `{shown}` is not a commit: {message}");
        if is_shallow(git, cwd) {
            message.push_str(
                "\nhelp: this is a shallow clone, whose history may not reach it: fetch \
                 more (`git fetch --unshallow`; with actions/checkout, `fetch-depth: 0`)",
            );
        }
        message
    })?;
    let mut peeled = OsString::from(path_from_bytes(object));
    peeled.push("^{commit}");
    let commit = verify(&peeled)
        .map_err(|message| format!("--changed-since `{shown}` is not a commit: {message}"))?;
    if commit.is_empty() || !commit.iter().all(u8::is_ascii_hexdigit) {
        return Err(format!(
            "--changed-since `{shown}`: git named no commit id ({})",
            printable(&String::from_utf8_lossy(&commit))
        ));
    }
    Ok(String::from_utf8_lossy(&commit).into_owned())
}

fn is_shallow(git: &Git, cwd: &Path) -> bool {
    git.run(
        cwd,
        &["rev-parse", "--is-shallow-repository"].map(OsStr::new),
    )
    .is_ok_and(|output| output.starts_with(b"true"))
}

/// Runs git with the settings that keep a hostile repository config from running
/// programs.
struct Git {
    /// `-c` settings that switch off the filter drivers the config defines.
    filters_off: Vec<OsString>,
    /// What git is run for, for the message when it cannot be.
    purpose: &'static str,
}

/// How much of what git says on standard error a warning keeps, in characters.
const WARNING_LIMIT: usize = 1000;

/// How long one git command may take: a config can name a file that never ends (a FIFO
/// in `include.path`), and a run must end.
const GIT_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

impl Git {
    /// Also switches off every filter driver (`filter.<name>.clean`, `.smudge`,
    /// `.process`) the config defines: reading the index rehashes a file whose stat
    /// looks racy, through the filter `.gitattributes` names, which runs the program the
    /// config names. Empty means none, as in git's own `-c filter.lfs.process=` idiom.
    fn new(cwd: &Path) -> Result<Git, String> {
        Git::for_purpose(cwd, "--changed-since")
    }

    fn for_purpose(cwd: &Path, purpose: &'static str) -> Result<Git, String> {
        let bare = Git {
            filters_off: Vec::new(),
            purpose,
        };
        let (listed, _) = bare.run_allowing(
            cwd,
            &[
                "config",
                "-z",
                "--get-regexp",
                r"^filter\..*\.(clean|smudge|process)$",
            ]
            .map(OsStr::new),
            // Exit status 1: no such setting.
            &[1],
        )?;
        let mut names: Vec<&[u8]> = listed
            .split(|byte| *byte == 0)
            .filter_map(|item| {
                let key = item.split(|byte| *byte == b'\n').next()?;
                let key = key.strip_prefix(b"filter.")?;
                let end = key.iter().rposition(|byte| *byte == b'.')?;
                Some(&key[..end])
            })
            .collect();
        names.sort();
        names.dedup();
        let mut filters_off = Vec::new();
        for name in names {
            // `-c` splits at the first `=`, so it cannot name such a driver: refuse
            // rather than let it run.
            if name.contains(&b'=') {
                return Err(format!(
                    "the git config defines a filter driver `{}`, whose name holds `=`; \
                     crosswire cannot switch it off, so it does not ask git which files \
                     changed",
                    printable(&String::from_utf8_lossy(name))
                ));
            }
            for setting in [".clean=", ".smudge=", ".process=", ".required=false"] {
                let mut assignment = OsString::from("filter.");
                assignment.push(path_from_bytes(name.to_vec()).as_os_str());
                assignment.push(setting);
                filters_off.push(OsString::from("-c"));
                filters_off.push(assignment);
            }
        }
        Ok(Git {
            filters_off,
            ..bare
        })
    }

    /// Runs git and returns its standard output, or its error in its own words.
    fn run(&self, dir: &Path, args: &[&OsStr]) -> Result<Vec<u8>, String> {
        self.run_allowing(dir, args, &[]).map(|(stdout, _)| stdout)
    }

    /// Runs git; its standard output and error, or its error in its own words when it
    /// fails (an exit status outside `also_fine`) or outlasts [`GIT_TIME_LIMIT`].
    fn run_allowing(
        &self,
        dir: &Path,
        args: &[&OsStr],
        also_fine: &[i32],
    ) -> Result<(Vec<u8>, Vec<u8>), String> {
        let shown = || {
            args.iter()
                .map(|arg| printable(&arg.to_string_lossy()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut child = Command::new("git")
            // Read-only: no index refresh written back, so no `post-index-change` hook
            // (the commands below run no other hook).
            .arg("--no-optional-locks")
            // A repository's `core.fsmonitor` names a program that reading the index
            // runs; empty means off to every git version.
            .args(["-c", "core.fsmonitor="])
            // A partial clone fetches missing objects on demand, through transports a
            // config can make run programs (`core.sshCommand`); nothing here needs one.
            // A config's `protocol.<name>.allow` beats `protocol.allow`, and old gits
            // ignore GIT_NO_LAZY_FETCH: GIT_ALLOW_PROTOCOL, empty, allows no transport
            // whatever the config says.
            .args(["-c", "protocol.allow=never"])
            .env("GIT_NO_LAZY_FETCH", "1")
            .env("GIT_ALLOW_PROTOCOL", "")
            // A bare repository committed inside the tree is never the one discovered.
            .args(["-c", "safe.bareRepository=explicit"])
            // Paths given after `--` are paths, never pathspec magic (`:(glob)`).
            .env("GIT_LITERAL_PATHSPECS", "1")
            .args(&self.filters_off)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("{} needs git: {error}", self.purpose))?;
        let read = |pipe: Option<Box<dyn std::io::Read + Send>>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_end(&mut bytes);
                }
                bytes
            })
        };
        let stdout = read(child.stdout.take().map(|pipe| Box::new(pipe) as _));
        let stderr = read(child.stderr.take().map(|pipe| Box::new(pipe) as _));
        let started = std::time::Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() < GIT_TIME_LIMIT => {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "git {} did not answer within {} s",
                        shown(),
                        GIT_TIME_LIMIT.as_secs()
                    ));
                }
                Err(error) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("git {}: {error}", shown()));
                }
            }
        };
        let stdout = stdout.join().unwrap_or_default();
        let stderr = stderr.join().unwrap_or_default();
        let fine = status.success() || status.code().is_some_and(|code| also_fine.contains(&code));
        if !fine {
            return Err(format!(
                "git {} failed: {}",
                shown(),
                printable(String::from_utf8_lossy(&stderr).trim_end())
            ));
        }
        Ok((stdout, stderr))
    }
}

/// Git ends its one-line answers with a newline; nothing else is trimmed, since a path
/// may end in white space.
fn strip_newline(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    }
    bytes
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(OsString::from_vec(bytes))
}

/// Git for Windows writes paths in UTF-8.
#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// A file named by its canonical folder and its own name: what two spellings of one
/// file (`..`, a linked folder) have in common, without resolving the file itself.
pub fn identity(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(folder).ok()?.join(name))
}

/// Text from git or the user with control characters escaped, since it goes to a
/// terminal or a CI log: the newlines of git's messages stay.
fn printable(text: &str) -> String {
    text.chars()
        .flat_map(|character| {
            let escape = character.is_control() && character != '\n';
            let shown: Vec<char> = if escape {
                character.escape_default().collect()
            } else {
                vec![character]
            };
            shown
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_newline_git_adds_is_trimmed() {
        assert_eq!(strip_newline(b"/repo \n".to_vec()), b"/repo ");
        assert_eq!(strip_newline(b"/repo\t".to_vec()), b"/repo\t");
    }

    #[test]
    fn control_characters_are_escaped_but_lines_stay() {
        assert_eq!(printable("a\u{1b}[31m\nb\rc"), "a\\u{1b}[31m\nb\\rc");
    }
}
