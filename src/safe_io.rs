//! Every file crosswire reads or writes, and everything it prints, goes through here.
//!
//! crosswire runs on untrusted trees, so the names it is given may be planted: a link
//! from `crosswire.sarif` to a file elsewhere, a FIFO where the cache should be,
//! `/dev/zero` as a baseline. Hence:
//! - reads open without blocking (a FIFO cannot hang the open), refuse anything but a
//!   regular file from the open handle's own metadata (no race with a swap after a
//!   check), and read at most their limit plus one byte, so a file that grew since it
//!   was listed is still bounded;
//! - writes refuse a destination that is a link, a FIFO, a device or a folder, and one
//!   reached through a linked folder inside the working directory (the tree may be
//!   hostile; folders above it are the user's own), then write a temporary file beside the
//!   destination and rename it over it: the rename replaces the name itself, so a link
//!   or hard link swapped in meanwhile is replaced, never written through;
//! - printing treats a closed pipe as the reader having seen enough, and a failing
//!   standard error as nothing to report to.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

/// `crosswire.toml` is a few lines; anything near this is not a config.
pub const CONFIG_READ_LIMIT: u64 = 4 << 20;
/// A baseline of ~1 million findings.
pub const BASELINE_READ_LIMIT: u64 = 256 << 20;
/// The cache of a tree of ~1 million files with findings and facts.
pub const CACHE_READ_LIMIT: u64 = 1 << 30;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    /// Not a regular file: what it is instead ("a FIFO", "a device", …).
    NotRegular(&'static str),
    /// Longer than the limit, which is given.
    TooLarge(u64),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(error) => f.write_str(&crate::discover::describe_io_error(error)),
            ReadError::NotRegular(what) => write!(f, "it is {what}, not a regular file"),
            ReadError::TooLarge(limit) => write!(f, "it is larger than {limit} bytes"),
        }
    }
}

/// What a file that is not a regular file is, in words.
fn describe_kind(metadata: &Metadata) -> &'static str {
    let kind = metadata.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a folder"
    } else if kind.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// Opens `path` for reading without blocking on a FIFO and without making a terminal
/// the controlling one.
fn open_for_reading(path: &Path) -> io::Result<File> {
    let mut options = File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// The bytes of the regular file at `path`, refusing more than `limit` of them.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_for_reading(path).map_err(ReadError::Io)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(describe_kind(&metadata)));
    }
    let bytes = read_regular_file(file, limit, metadata.len()).map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

/// Reads a regular file as [`read_at_most`] does, in one call when it holds the `size`
/// bytes its metadata gave: a read asked for one byte more than that, which returns
/// `size`, ended at the file's end, where reading to the end took a second call to
/// see it. A file that has changed size since is read to its end.
fn read_regular_file(mut file: File, limit: u64, size: u64) -> io::Result<Vec<u8>> {
    let bound = limit.saturating_add(1);
    let Ok(wanted) = usize::try_from(size.saturating_add(1).min(bound)) else {
        return read_at_most(file, limit, size);
    };
    let mut bytes = vec![0; wanted];
    let mut filled = 0;
    while filled < wanted {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(read) => {
                filled += read;
                if filled as u64 == size {
                    bytes.truncate(filled);
                    return Ok(bytes);
                }
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    bytes.truncate(filled);
    // Shorter than `size` (it shrank), or already past the limit.
    if filled < wanted || filled as u64 >= bound {
        return Ok(bytes);
    }
    // It grew past `size`: the rest, up to the bound.
    let rest = read_at_most(file, bound - filled as u64 - 1, 0)?;
    bytes.extend(rest);
    Ok(bytes)
}

/// The bytes of `path`, at most `limit` of them, if it is a regular file of this user's
/// that no one else may read or write, reached without following a link: a secret.
#[cfg(unix)]
pub fn read_private_file(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = File::options()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_NOFOLLOW)
        .open(path)
        .map_err(|error| match error.raw_os_error() {
            Some(libc::ELOOP) => format!("{} is a symbolic link", path.display()),
            _ => format!(
                "cannot read {}: {}",
                path.display(),
                crate::discover::describe_io_error(&error)
            ),
        })?;
    let metadata = file
        .metadata()
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    if !metadata.is_file() {
        return Err(format!(
            "{} is {}, not a regular file",
            path.display(),
            describe_kind(&metadata)
        ));
    }
    check_private(path, &metadata, 0o077)?;
    let bytes = read_at_most(file, limit, metadata.len())
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    if bytes.len() as u64 > limit {
        return Err(format!("{} is larger than {limit} bytes", path.display()));
    }
    Ok(bytes)
}

/// Refuses `path` unless this user owns it and its mode has none of the bits in
/// `forbidden`.
#[cfg(unix)]
pub fn check_private(path: &Path, metadata: &Metadata, forbidden: u32) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let user = unsafe { libc::geteuid() };
    if metadata.uid() != user {
        return Err(format!(
            "{} belongs to another user (uid {})",
            path.display(),
            metadata.uid()
        ));
    }
    let mode = metadata.mode() & 0o7777;
    if mode & forbidden != 0 {
        return Err(format!(
            "{} is open to other users (mode {mode:04o})",
            path.display()
        ));
    }
    Ok(())
}

/// Reads `reader` to its end or to `limit` + 1 bytes, whichever comes first: one byte
/// more than allowed tells a reader that is too long from one that is exactly long
/// enough. `expected` (what metadata said) only sizes the buffer.
pub fn read_at_most(reader: impl Read, limit: u64, expected: u64) -> io::Result<Vec<u8>> {
    let bound = limit.saturating_add(1);
    let capacity = usize::try_from(expected.min(bound)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    reader.take(bound).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Standard input, bounded like a file: at most `limit` + 1 bytes are read, so that a
/// caller can tell it was too long without waiting for an end that may never come.
/// It may be a pipe or a terminal, so its kind is not checked.
pub fn read_stdin(limit: u64) -> io::Result<Vec<u8>> {
    read_at_most(io::stdin().lock(), limit, 0)
}

/// Why a file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The destination is not a file crosswire may replace.
    Refused {
        path: PathBuf,
        reason: String,
    },
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Refused { path, reason } => {
                write!(f, "refusing to write {}: {reason}", path.display())
            }
            WriteError::Io { path, error } => write!(
                f,
                "cannot write {}: {}",
                path.display(),
                crate::discover::describe_io_error(error)
            ),
        }
    }
}

/// Writes `bytes` to `path` as [`write_file_with`] does.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_file_with(path, |out| out.write_all(bytes))
}

/// Replaces the regular file `path` (or creates it) with what `fill` writes, all at once:
/// a reader sees the old file or the new one, never a part.
pub fn write_file_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), WriteError> {
    let io_error = |error: io::Error| WriteError::Io {
        path: path.to_path_buf(),
        error,
    };
    let existing = check_destination(path)?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| WriteError::Refused {
        path: path.to_path_buf(),
        reason: "it names no file".into(),
    })?;
    let mut builder = tempfile::Builder::new();
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A new file gets the mode any new file gets (0666 less the umask), not the
        // 0600 of a temporary file.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temporary = builder.tempfile_in(folder).map_err(io_error)?;
    {
        let mut out = io::BufWriter::new(temporary.as_file_mut());
        fill(&mut out)
            .and_then(|()| out.flush())
            .map_err(io_error)?;
    }
    if let Some(metadata) = existing {
        keep_mode(temporary.as_file(), &metadata).map_err(io_error)?;
    }
    temporary
        .persist(path)
        .map_err(|error| io_error(error.error))?;
    Ok(())
}

/// The replaced file's permissions, without set-id bits: a report or a baseline is
/// never a program.
fn keep_mode(file: &File, replaced: &Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = replaced.permissions().mode() & 0o777;
        file.set_permissions(std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        file.set_permissions(replaced.permissions())
    }
}

/// Refuses a destination that is not a regular file, or one reached through a linked
/// folder inside the working directory; returns the metadata of the file it replaces, if there is one.
fn check_destination(path: &Path) -> Result<Option<Metadata>, WriteError> {
    let refuse = |reason: String| WriteError::Refused {
        path: path.to_path_buf(),
        reason,
    };
    // The folders on the way that lie in the working directory, which may be the
    // hostile tree; those above it (a linked /tmp or home) are the user's own.
    let parent = path.parent().unwrap_or(Path::new(""));
    let cwd = std::env::current_dir().unwrap_or_default();
    let (mut prefix, below) = if parent.is_relative() {
        (PathBuf::new(), parent)
    } else if let Ok(below) = parent.strip_prefix(&cwd) {
        (cwd.clone(), below)
    } else {
        (PathBuf::new(), Path::new(""))
    };
    for component in below.components() {
        prefix.push(component);
        if !matches!(component, Component::Normal(_)) {
            continue;
        }
        match std::fs::symlink_metadata(&prefix) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                return Err(refuse(format!("{} is a symbolic link", prefix.display())));
            }
            Ok(_) => {}
            // The write reports a missing folder.
            Err(_) => break,
        }
    }
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_file() => Ok(Some(metadata)),
        Ok(metadata) => Err(refuse(format!(
            "it is {}, not a regular file",
            describe_kind(&metadata)
        ))),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(WriteError::Io {
            path: path.to_path_buf(),
            error,
        }),
    }
}

/// Creates `path` with `bytes`, readable by its owner only, unless it exists: then it is
/// left alone and `false` comes back. Two processes racing to create it agree on one.
pub fn create_private_file(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let folder = path.parent().unwrap_or(Path::new("."));
    // tempfile creates its files with mode 0600.
    let mut temporary = tempfile::Builder::new()
        .prefix(".new-")
        .tempfile_in(folder)?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    match temporary.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(error) if error.error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(error.error),
    }
}

/// Writes to standard output what `fill` writes. A closed pipe (`crosswire | head`)
/// means the reader has seen enough: not an error, and the run ends as if all was
/// written.
pub fn write_stdout(fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = fill(&mut out).and_then(|()| out.flush());
    match result {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
            // Dropping the writer would flush into the closed pipe again.
            drop(out.into_parts());
            Ok(())
        }
        result => result,
    }
}

/// Writes a line to standard error. There is nowhere left to report a failure to
/// write there, so none is (unlike `eprintln!`, which panics).
pub fn eprint_line(line: fmt::Arguments) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_cut_one_byte_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_file(&path, 10).unwrap(), b"0123456789");
        assert!(matches!(read_file(&path, 9), Err(ReadError::TooLarge(9))));
        let endless = io::repeat(b'x');
        assert_eq!(read_at_most(endless, 5, u64::MAX).unwrap().len(), 6);
    }

    /// The one-call read against reading to the end, whatever size the metadata gave:
    /// the file as it was, grown or shrunk since, and the limit on either side.
    #[test]
    fn a_file_read_in_one_call_is_read_whole_whatever_its_size_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file");
        for length in [0usize, 1, 9, 10, 11, 4096, 70_000] {
            let text: Vec<u8> = (0..length).map(|at| (at % 251) as u8).collect();
            std::fs::write(&path, &text).unwrap();
            for said in [
                0,
                1,
                length.saturating_sub(1),
                length,
                length + 1,
                2 * length + 3,
            ] {
                for limit in [0u64, 5, 10, length as u64, 100_000] {
                    let file = File::open(&path).unwrap();
                    let read = read_regular_file(file, limit, said as u64).unwrap();
                    let whole = read_at_most(File::open(&path).unwrap(), limit, 0).unwrap();
                    assert_eq!(read, whole, "length {length}, said {said}, limit {limit}");
                }
            }
        }
    }

    #[test]
    fn a_missing_folder_on_the_way_is_an_error_of_the_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing/file");
        let error = write_file(&path, b"x").unwrap_err();
        assert!(matches!(error, WriteError::Io { .. }), "{error}");
    }

    #[test]
    fn a_private_file_is_created_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        assert!(create_private_file(&path, b"first").unwrap());
        assert!(!create_private_file(&path, b"second").unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
