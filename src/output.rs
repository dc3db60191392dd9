//! Writing result files: each whole or not at all.
//!
//! All files of a job are first written to hidden temporary files in the
//! output folder; only when every one is complete are they renamed over
//! their final names. A failure while writing them (full disk, no
//! permission) removes the temporary files and leaves whatever the folder
//! held before untouched; the checks before the first rename (a folder in
//! the way, another user's file in a sticky folder) leave it untouched too.
//! Each file a rename replaces is kept under a hidden backup name until all
//! are in place, so should a rename still fail after them (a file another
//! program holds open, on Windows), the files already renamed are put back
//! and the folder keeps its earlier results whole; a file that cannot be
//! put back is named with where its earlier version is, and that backup is
//! never removed by a later job ([`earlier_versions_kept`]).
//! Files in the folder that this run does not produce, other than its own
//! backups, are never touched.
//!
//! The checks that can be made before simulating live here too (a file in
//! the way of the folder, a folder in the way of a file, a result that would
//! replace an input, a folder that cannot be written, another user's file
//! in a folder that lets only owners replace files, earlier results that an
//! unfinished job left under backup names), as do the folder's lock
//! ([`FolderLock`]: one job writes into a folder at a time) and creating
//! the folder ([`folder_to_make`]). What `manifest.json` says is
//! [`crate::manifest`]'s.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};

use crate::engine::Cancelled;
use crate::text::shown_path;

/// A file to write: its name in the output folder and its contents.
#[derive(Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name, without a folder (`shares.csv`).
    pub name: String,
    /// The whole contents, written as they are.
    pub bytes: Vec<u8>,
}

/// The name and size: the contents run to megabytes.
impl std::fmt::Debug for OutputFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputFile")
            .field("name", &self.name)
            .field("bytes", &format_args!("[{} bytes]", self.bytes.len()))
            .finish()
    }
}

/// Where `name` is written before it is renamed into place: a hidden file
/// beside it, so the rename never crosses file systems.
pub fn temporary_name(dir: &Path, name: &str) -> PathBuf {
    dir.join(temporary_file_name(name))
}

/// The file name of [`temporary_name`].
fn temporary_file_name(name: &str) -> String {
    format!(".{name}.partial")
}

/// Where the file already at `name` is kept while the new files are moved
/// into place, so that a move failing half way can put it back: a hidden
/// file beside it, removed once every file is in place.
pub fn backup_name(dir: &Path, name: &str) -> PathBuf {
    dir.join(backup_file_name(name))
}

/// The file name of [`backup_name`].
fn backup_file_name(name: &str) -> String {
    format!(".{name}.previous")
}

/// The hidden files [`write_files`] uses for `name` in `dir`: its
/// temporary file and its backup. Either is removed if found there.
fn working_names(dir: &Path, name: &str) -> [PathBuf; 2] {
    [temporary_name(dir, name), backup_name(dir, name)]
}

/// The first of `names` whose place in `dir`, or whose temporary file's or
/// backup's place, a folder occupies, with that folder: the file cannot be
/// written.
pub fn name_taken_by_folder<'a>(
    dir: &Path,
    names: impl IntoIterator<Item = &'a str>,
) -> Option<(&'a str, PathBuf)> {
    // A link at a working name is removed, never followed, by
    // `write_files`: only a real folder there is in the way.
    names.into_iter().find_map(|name| {
        if dir.join(name).is_dir() {
            return Some((name, dir.join(name)));
        }
        working_names(dir, name)
            .into_iter()
            .find(|path| fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()))
            .map(|path| (name, path))
    })
}

/// The nearest part of `dir` (itself or an ancestor) that is there, or `.`
/// for a relative path none of whose parts is. Without a trailing `/` or
/// `/.`, which would look through a link; and by `symlink_metadata`, so a
/// link to nothing counts as there, where `exists` would look through it.
fn nearest_existing(dir: &Path) -> PathBuf {
    let dir: PathBuf = dir.components().collect();
    dir.ancestors()
        .find(|p| !p.as_os_str().is_empty() && p.symlink_metadata().is_ok())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The nearest existing part of `dir` (itself or an ancestor) when it is
/// not a folder (a file, or a link to nothing): then `dir` cannot be
/// created, so nothing can be written.
pub fn blocked_by_file(dir: &Path) -> Option<PathBuf> {
    Some(nearest_existing(dir)).filter(|p| !p.is_dir())
}

/// The first of `names` whose path in `dir`, or whose temporary file or
/// backup, is one of `inputs` itself (not a link to it): writing it would
/// replace that input.
pub fn name_of_an_input<'a>(
    dir: &Path,
    names: impl IntoIterator<Item = &'a str>,
    inputs: &[&Path],
) -> Option<(&'a str, PathBuf)> {
    let inputs: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect();
    // A file is written by renaming its temporary file over the name, and
    // the working files of a name are removed first: either replaces the
    // entry in `dir`, never what a link there points to. So an input is at
    // risk only when such an entry is the input's file itself, not a link.
    names.into_iter().find_map(|name| {
        std::iter::once(dir.join(name))
            .chain(working_names(dir, name))
            .filter(|entry| fs::symlink_metadata(entry).is_ok_and(|m| m.is_file()))
            .filter_map(|entry| fs::canonicalize(entry).ok())
            .find(|target| inputs.contains(target))
            .map(|target| (name, target))
    })
}

/// Whether a file can be created in `dir`, or, when `dir` does not exist
/// yet, in the nearest folder above it (where `dir` would be created):
/// tried with a hidden file that is removed at once. Then whether each of
/// `names` already in `dir` (and its temporary file) can be replaced by
/// this process ([`not_replaceable`]).
pub fn try_writing_in<'a>(dir: &Path, names: impl IntoIterator<Item = &'a str>) -> Result<()> {
    // Another job whose folder could not be made removes the parents it
    // made, perhaps the one found here: then the nearest is looked for again.
    let mut attempts = 0;
    let probe = loop {
        attempts += 1;
        let existing = nearest_existing(dir);
        let probe = existing.join(format!(".sharecast-{}.probe", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
        {
            Ok(created) => {
                drop(created);
                break probe;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && attempts < ATTEMPTS => {}
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("no file can be created in {}", shown_path(&existing))
                });
            }
        }
    };
    let owner = file_owner(&probe);
    fs::remove_file(&probe).with_context(|| format!("cannot remove {}", shown_path(&probe)))?;
    refuse_others_files(dir, names, owner, "nothing was written")
}

/// The user that owns the file at `path` (one this process created: this
/// process's own user as the file system sees it); `None` where there are
/// no owners to compare (Windows) or they cannot be read.
fn file_owner(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        fs::symlink_metadata(path).ok().map(|m| m.uid())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The first of `names` (or of their working files) that is in `dir` and
/// that user `me` may not replace there. In a folder with the sticky bit
/// set (`chmod +t`: `/tmp` and many shared team folders), only a file's
/// owner, the folder's owner and root may rename over it or remove it, so
/// writing results over another user's would fail part way.
pub fn not_replaceable<'a>(
    dir: &Path,
    names: impl IntoIterator<Item = &'a str>,
    me: u32,
) -> Option<&'a str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let folder = fs::metadata(dir).ok()?;
        if me == 0 || folder.mode() & 0o1000 == 0 || folder.uid() == me {
            return None;
        }
        let others = |path: PathBuf| fs::symlink_metadata(path).is_ok_and(|m| m.uid() != me);
        names.into_iter().find(|&name| {
            others(dir.join(name)) || working_names(dir, name).into_iter().any(&others)
        })
    }
    #[cfg(not(unix))]
    {
        let _ = (dir, names, me);
        None
    }
}

/// An error when [`not_replaceable`] finds one of `names` in `dir` that
/// user `owner` may not replace; `outcome` says what was left undone.
fn refuse_others_files<'a>(
    dir: &Path,
    names: impl IntoIterator<Item = &'a str>,
    owner: Option<u32>,
    outcome: &str,
) -> Result<()> {
    let Some(name) = owner.and_then(|me| not_replaceable(dir, names, me)) else {
        return Ok(());
    };
    // The result itself, or a leftover of another user's job under one of
    // its working names.
    let theirs = |path: &Path| file_owner(path).is_some_and(|uid| Some(uid) != owner);
    let whose = match working_names(dir, name).into_iter().find(|p| theirs(p)) {
        Some(leftover) if !theirs(&dir.join(name)) => {
            format!("another user's leftover {} is there", shown(&leftover))
        }
        _ => "another user's file is there".to_string(),
    };
    bail!(
        "cannot replace {name} in {}: {whose}, and the folder lets only a file's owner replace \
         it (its sticky bit is set); {outcome}: choose another --out, or ask the owner to move \
         the earlier results",
        shown_path(dir)
    )
}

/// An output folder held by this process while it replaces results there
/// (an exclusive `flock` on the folder itself, released when dropped), so
/// that two jobs given the same folder take turns instead of mixing their
/// files: each sees the other's files whole, and the folder ends with one
/// job's complete set. Taken by the command line around reading the old
/// `manifest.json` and [`write_files`]. On platforms without `flock`
/// (Windows), on a file system that refuses it, and for a folder this
/// process may write but not read, it holds nothing: the job goes ahead as
/// it would have without the lock.
#[derive(Debug)]
pub struct FolderLock {
    #[cfg(unix)]
    _held: Option<fs::File>,
}

impl FolderLock {
    /// Creates `dir` if missing and waits until no other process holds
    /// it, trying every 50 ms so that setting `cancel` (Ctrl-C) stops the
    /// wait: then an error.
    pub fn acquire(dir: &Path, cancel: &AtomicBool) -> Result<FolderLock> {
        let normalized = create_folder(dir)?;
        #[cfg(unix)]
        {
            // A folder this process may write but not read (a drop box)
            // cannot be opened to lock: no lock, as without flock.
            let Ok(folder) = fs::File::open(&normalized) else {
                return Ok(FolderLock { _held: None });
            };
            loop {
                match folder.try_lock() {
                    Ok(()) => {
                        return Ok(FolderLock {
                            _held: Some(folder),
                        });
                    }
                    Err(fs::TryLockError::WouldBlock) => {
                        if cancel.load(Ordering::SeqCst) {
                            bail!(
                                "interrupted while waiting for another job writing into {}",
                                shown_path(dir)
                            );
                        }
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    Err(fs::TryLockError::Error(_)) => return Ok(FolderLock { _held: None }),
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = (normalized, cancel);
            Ok(FolderLock {})
        }
    }

    /// [`FolderLock::acquire`] without waiting: `None` while another
    /// process holds `dir`, which must exist (it is not created).
    pub fn try_acquire(dir: &Path) -> Option<FolderLock> {
        #[cfg(unix)]
        {
            let Ok(folder) = fs::File::open(dir) else {
                return Some(FolderLock { _held: None });
            };
            match folder.try_lock() {
                Ok(()) => Some(FolderLock {
                    _held: Some(folder),
                }),
                Err(fs::TryLockError::WouldBlock) => None,
                Err(fs::TryLockError::Error(_)) => Some(FolderLock { _held: None }),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = dir;
            Some(FolderLock {})
        }
    }
}

/// How many times a job looks again for the folders it writes in when
/// another job removed them meanwhile (the parents that job made for a
/// folder it could not make), before it gives up.
const ATTEMPTS: u32 = 5;

/// `dir` as a folder to make: each `..` that follows a folder that does
/// not exist yet (`out/a/../b`) taken back to its parent, so that making
/// the folder does not make `out/a` on the way (a folder not yet made
/// cannot be a link elsewhere, so this is where the path leads). A `..`
/// after a folder that exists is kept, for the file system to follow;
/// a path with no `..` to take back is given as it is.
pub fn folder_to_make(dir: &Path) -> PathBuf {
    let mut resolved = PathBuf::new();
    let mut taken_back = false;
    for part in dir.components() {
        match part {
            std::path::Component::ParentDir
                if matches!(
                    resolved.components().next_back(),
                    Some(std::path::Component::Normal(_))
                ) && fs::symlink_metadata(&resolved).is_err() =>
            {
                resolved.pop();
                taken_back = true;
            }
            part => resolved.push(part),
        }
    }
    match (taken_back, resolved.as_os_str().is_empty()) {
        (false, _) => dir.to_path_buf(),
        // `nope/..`: the folder it started from.
        (true, true) => PathBuf::from("."),
        (true, false) => resolved,
    }
}

/// Creates `dir` and its parents if missing, giving the path made
/// ([`folder_to_make`]) without a trailing `.`: `create_dir_all` fails on
/// a path ending in `.` ("results/."), which names the same folder as the
/// path without it. When making the folder fails, the parents this job
/// made for it are removed again (never one another process made).
fn create_folder(dir: &Path) -> Result<PathBuf> {
    let normalized: PathBuf = folder_to_make(dir).components().collect();
    let levels: Vec<&Path> = normalized
        .ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    // Each missing folder made in turn, outermost first, remembering those
    // this job made (one another process makes meanwhile is not ours), so
    // that a failure removes only those. Another job that fails may remove
    // a parent this one is about to make a folder in: then it starts over.
    let mut made: Vec<PathBuf> = Vec::new();
    let mut attempts = 0;
    let failure = 'attempt: loop {
        attempts += 1;
        // What an earlier attempt made and someone removed since (and
        // perhaps another job made again) is no longer ours.
        made.retain(|folder| folder.is_dir());
        for level in levels.iter().rev() {
            if level.is_dir() {
                continue;
            }
            match fs::create_dir(level) {
                Ok(()) => made.push(level.to_path_buf()),
                // Made meanwhile by another process.
                Err(_) if level.is_dir() => {}
                Err(e) => {
                    let vanished = e.kind() == std::io::ErrorKind::NotFound
                        || e.kind() == std::io::ErrorKind::AlreadyExists;
                    if vanished && attempts < ATTEMPTS {
                        continue 'attempt;
                    }
                    break 'attempt Some(e);
                }
            }
        }
        break None;
    };
    if let Some(e) = failure {
        for folder in made.iter().rev() {
            let _ = fs::remove_dir(folder);
        }
        if let Some(file) = blocked_by_file(dir) {
            let why = if file == dir {
                "it is a file".to_string()
            } else {
                format!("{} is not a folder", shown_path(&file))
            };
            return Err(e).with_context(|| {
                format!("cannot create the output folder {}: {why}", shown_path(dir))
            });
        }
        return Err(e)
            .with_context(|| format!("cannot create the output folder {}", shown_path(dir)));
    }
    Ok(normalized)
}

/// Writes `files` into `dir` (created if missing), all or nothing per file.
/// When `cancel` is set before the files are complete, nothing is renamed
/// into place, the temporary files are removed and the error is
/// [`Cancelled`] (`err.downcast_ref::<Cancelled>()` tells it from a
/// failure). Two processes writing into one folder at once must take
/// turns: hold a [`FolderLock`] around the call, as the command line does.
///
/// A name that is empty, `.` or `..`, holds a folder separator or a NUL,
/// is given twice (in any letter case: some file systems ignore it), or is
/// another file's temporary or backup name is refused before anything is
/// created.
///
/// Should moving a file into place fail after others were moved (another
/// program holds it open, on Windows), the files already moved are put
/// back as they were, and the files new to the folder removed, so the folder
/// keeps the earlier results whole; the error says so, or names each file
/// that could not be put back and where its earlier version is. Backups
/// holding earlier versions ([`earlier_versions_kept`]) stop the writing
/// before any file is written.
pub fn write_files(dir: &Path, files: &[OutputFile], cancel: &AtomicBool) -> anyhow::Result<()> {
    let mut names = std::collections::HashSet::new();
    for f in files {
        let name = f.name.as_str();
        if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
            bail!("{name:?} is not a file name (an output file is named without a folder)");
        }
        if !names.insert(name.to_lowercase()) {
            bail!("{name:?} is given twice among the files to write (letter case aside)");
        }
    }
    for f in files {
        let name = &f.name;
        let temporary = temporary_file_name(name);
        if names.contains(&temporary.to_lowercase()) {
            bail!(
                "{temporary:?} is the name under which {name:?} is written before it is moved into place, so it cannot be another file's"
            );
        }
        let backup = backup_file_name(name);
        if names.contains(&backup.to_lowercase()) {
            bail!(
                "{backup:?} is the name under which an earlier {name:?} is kept while the new one is moved into place, so it cannot be another file's"
            );
        }
    }
    if cancel.load(Ordering::SeqCst) {
        return Err(Cancelled.into());
    }
    create_folder(dir)?;
    // Earlier versions a job that did not finish left are the user's to
    // move back or remove: refuse before anything is written.
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let kept = earlier_versions_kept(dir, names.iter().copied());
    if !kept.is_empty() {
        bail!(earlier_versions_message(&kept));
    }
    // A final name taken by a folder would fail its rename after others had
    // succeeded: refuse before anything is replaced.
    if let Some((name, folder)) = name_taken_by_folder(dir, names.iter().copied()) {
        bail!(
            "cannot write {name}: {} is a folder; move it away or choose another --out",
            shown_path(&folder)
        );
    }
    let mut written: Vec<PathBuf> = Vec::with_capacity(files.len());
    let result = (|| -> Result<()> {
        for f in files {
            let tmp = temporary_name(dir, &f.name);
            // A leftover of a killed run (or a link planted there) is
            // removed, and the file created anew, never followed.
            match fs::remove_file(&tmp) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot replace {}", shown_path(&tmp)));
                }
            }
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
                .with_context(|| format!("cannot create {} in {}", f.name, shown_path(dir)))?;
            written.push(tmp.clone());
            file.write_all(&f.bytes)
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write {} in {}", f.name, shown_path(dir)))?;
            if cancel.load(Ordering::SeqCst) {
                return Err(anyhow::Error::new(Cancelled)
                    .context(format!("interrupted while writing {}", f.name)));
            }
        }
        // Checked before any file is replaced, with the owner of the
        // temporary files just written: ours.
        let owner = written.first().and_then(|tmp| file_owner(tmp));
        refuse_others_files(dir, names.iter().copied(), owner, "no file was replaced")?;
        move_into_place(dir, &names, &mut FileSystem)
    })();
    if result.is_err() {
        for tmp in &written {
            let _ = fs::remove_file(tmp);
        }
    }
    result
}

/// The ways [`move_into_place`] changes names in a folder: the file
/// system's, and in tests one that fails on demand.
trait Moves {
    fn hard_link(&mut self, original: &Path, link: &Path) -> std::io::Result<()>;
    fn rename(&mut self, from: &Path, to: &Path) -> std::io::Result<()>;
    fn remove_file(&mut self, path: &Path) -> std::io::Result<()>;
}

/// [`Moves`] as the file system makes them.
struct FileSystem;

impl Moves for FileSystem {
    fn hard_link(&mut self, original: &Path, link: &Path) -> std::io::Result<()> {
        fs::hard_link(original, link)
    }
    fn rename(&mut self, from: &Path, to: &Path) -> std::io::Result<()> {
        fs::rename(from, to)
    }
    fn remove_file(&mut self, path: &Path) -> std::io::Result<()> {
        fs::remove_file(path)
    }
}

/// How the file that stood at a result's name was kept while the new one
/// moved in.
enum Kept {
    /// Nothing stood there.
    Nothing,
    /// Under its backup name as well (a hard link): the name kept it until
    /// the new file replaced it in one step.
    Linked,
    /// Moved to its backup name (where links cannot be made): the name was
    /// empty until the new file came.
    MovedAway,
}

/// A step of [`move_into_place`] that failed: what it was, advice for the
/// user, and the system's error.
type Failure = (String, String, std::io::Error);

/// The backups in `dir` of `names` that hold an earlier version of their
/// result, left by a job that did not finish (one stopped while it moved
/// its files into place, or one that could not put them back): files at
/// `.NAME.previous` other than the file at `NAME` itself. `names` are in
/// the order they are written, the last marking a finished job (the
/// command line writes `manifest.json` last): when the last name stands
/// beside an earlier version of itself, that job moved every file into
/// place, its backups are only what its clean-up left, and none is
/// returned. A second name of a result, or a link, holds nothing the
/// folder lacks and is never returned. The backups returned are never
/// removed: [`write_files`] refuses until the user has moved them back or
/// removed them ([`earlier_versions_message`]).
pub fn earlier_versions_kept<'a>(
    dir: &Path,
    names: impl IntoIterator<Item = &'a str>,
) -> Vec<(&'a str, PathBuf)> {
    let names: Vec<&str> = names.into_iter().collect();
    let finished = names.last().is_some_and(|last| {
        fs::symlink_metadata(dir.join(last)).is_ok()
            && holds_an_earlier_version(&dir.join(last), &backup_name(dir, last))
    });
    if finished {
        return Vec::new();
    }
    names
        .into_iter()
        .map(|name| (name, backup_name(dir, name)))
        .filter(|(name, backup)| holds_an_earlier_version(&dir.join(name), backup))
        .collect()
}

/// Removes the backups of `names` in `dir` that a job left, once
/// [`earlier_versions_kept`] has found none to keep: a finished job's (the
/// last name's, the mark of a finished job, removed last of all, so that
/// the mark stands as long as any other does), second names of results and
/// links. Done before this job makes backups of its own, so that if it does
/// not finish, its backups are not taken for a finished job's.
fn remove_leftover_backups(
    dir: &Path,
    names: &[&str],
    moves: &mut impl Moves,
) -> Result<(), Failure> {
    for name in names {
        let backup = backup_name(dir, name);
        match moves.remove_file(&backup) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            // A second name of a file another program holds open cannot be
            // removed while it does.
            Err(e) => {
                let advice = format!(
                    "; if another program has {name} open, close it, or else remove {}; then \
                     run again",
                    shown(&backup)
                );
                return Err((cannot_replace(dir, name), advice, e));
            }
        }
    }
    Ok(())
}

/// "cannot replace NAME in DIR", the step that fails when the file at a
/// result's name cannot be kept aside.
fn cannot_replace(dir: &Path, name: &str) -> String {
    format!("cannot replace {name} in {}", shown_path(dir))
}

/// The advice when a result's name cannot be moved over or away: most
/// often, on Windows, another program holds the file open.
fn held_open(name: &str) -> String {
    format!("; if another program has {name} open, close it and run again")
}

/// What to tell the user of the backups [`earlier_versions_kept`] found.
pub fn earlier_versions_message(kept: &[(&str, PathBuf)]) -> String {
    let paths: Vec<String> = kept.iter().map(|(_, b)| shown_path(b)).collect();
    let names: Vec<&str> = kept.iter().map(|(name, _)| *name).collect();
    let (verb, them) = if kept.len() == 1 {
        ("holds", "it")
    } else {
        ("hold", "them")
    };
    format!(
        "{} {verb} the earlier {}, kept while a job that did not finish replaced the results \
         (one interrupted, or one that could not put them back); move each back over its name to \
         restore the earlier results (a result the earlier ones did not have is that job's too: \
         remove it), or remove {them} to keep the results there now, then run again",
        paths.join(", "),
        names.join(", ")
    )
}

/// Whether `backup` is a file other than the one at `target`.
fn holds_an_earlier_version(target: &Path, backup: &Path) -> bool {
    fs::symlink_metadata(backup).is_ok_and(|kept| kept.is_file()) && !same_file(target, backup)
}

/// Whether `a` and `b` name one file (hard links of each other): by device
/// and inode where there are such, else by contents.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::symlink_metadata(a), fs::symlink_metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        matches!((fs::read(a), fs::read(b)), (Ok(a), Ok(b)) if a == b)
    }
}

/// The name a path in the output folder is shown by in messages.
fn shown(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| shown_path(path), |n| shown_path(Path::new(n)))
}

/// Keeps the file at `name` in `dir`, if there is one, under its backup
/// name (where [`remove_leftover_backups`] has left nothing).
fn keep_previous(dir: &Path, name: &str, moves: &mut impl Moves) -> Result<Kept, Failure> {
    let (target, backup) = (dir.join(name), backup_name(dir, name));
    match fs::symlink_metadata(&target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Kept::Nothing),
        Err(e) => return Err((cannot_replace(dir, name), held_open(name), e)),
        Ok(_) => {}
    }
    if moves.hard_link(&target, &backup).is_ok() {
        return Ok(Kept::Linked);
    }
    match moves.rename(&target, &backup) {
        Ok(()) => Ok(Kept::MovedAway),
        Err(e) => Err((cannot_replace(dir, name), held_open(name), e)),
    }
}

/// Renames each of `names`' temporary files in `dir` over its name, in
/// order (`manifest.json` last), keeping the file each replaces until all
/// are in place, after removing the backups a job left
/// ([`remove_leftover_backups`]). Should one fail, those already moved are put back (the
/// earlier file renamed back over the new one, or the new one removed where
/// there was none), so the folder's results are what they were; the error
/// names the step that failed, and each file that could not be put back
/// with where its earlier version is.
fn move_into_place(dir: &Path, names: &[&str], moves: &mut impl Moves) -> Result<()> {
    let mut moved: Vec<(&str, Kept)> = Vec::with_capacity(names.len());
    let mut failure: Option<Failure> = remove_leftover_backups(dir, names, moves).err();
    // The failing file itself, when its earlier version could not go back.
    let mut missing = None;
    // Nothing is moved once the leftovers could not all be removed.
    let to_move = if failure.is_none() { names } else { &[] };
    for &name in to_move {
        let kept = match keep_previous(dir, name, moves) {
            Ok(kept) => kept,
            Err(failed) => {
                failure = Some(failed);
                break;
            }
        };
        let (target, backup) = (dir.join(name), backup_name(dir, name));
        if let Err(e) = moves.rename(&temporary_name(dir, name), &target) {
            let what = format!("cannot move {name} into place in {}", shown_path(dir));
            failure = Some((what, held_open(name), e));
            // The name still holds its earlier file unless it was moved away.
            // A backup that cannot be removed is removed by the next job.
            match kept {
                Kept::Nothing => {}
                Kept::Linked => {
                    let _ = moves.remove_file(&backup);
                }
                Kept::MovedAway => {
                    if moves.rename(&backup, &target).is_err() {
                        missing = Some(format!(
                            "{name} is missing, the earlier one is {}",
                            shown(&backup)
                        ));
                    }
                }
            }
            break;
        }
        moved.push((name, kept));
    }
    let Some((what, advice, error)) = failure else {
        // The last file's backup goes last, and only once every other is
        // gone: while it stands beside the last file, the backups left are
        // known to be a finished job's, which the next job removes
        // ([`earlier_versions_kept`]).
        let backups: Vec<PathBuf> = moved
            .iter()
            .filter(|(_, kept)| !matches!(kept, Kept::Nothing))
            .map(|(name, _)| backup_name(dir, name))
            .collect();
        if let Some((last, others)) = backups.split_last() {
            // Every one is tried, whether or not one before it was removed.
            let mut others_gone = true;
            for backup in others {
                others_gone &= moves.remove_file(backup).is_ok();
            }
            if others_gone {
                let _ = moves.remove_file(last);
            }
        }
        return Ok(());
    };
    let mut not_restored: Vec<String> = Vec::new();
    let (mut earlier_left, mut new_left) = (missing.is_some(), false);
    for (name, kept) in moved.iter().rev() {
        let (target, backup) = (dir.join(name), backup_name(dir, name));
        match kept {
            Kept::Nothing => {
                if moves.remove_file(&target).is_err() {
                    new_left = true;
                    not_restored.push(format!("{name} is this job's, where there was none"));
                }
            }
            Kept::Linked | Kept::MovedAway => {
                if moves.rename(&backup, &target).is_err() {
                    earlier_left = true;
                    not_restored.push(format!(
                        "{name} holds this job's results, the earlier one is {}",
                        shown(&backup)
                    ));
                }
            }
        }
    }
    not_restored.reverse();
    not_restored.extend(missing);
    let outcome = if not_restored.is_empty() {
        format!("the results there are as they were before this job{advice}")
    } else {
        let steps: Vec<&str> = [
            (earlier_left, "move each earlier one back over its name"),
            (
                new_left,
                "remove each of this job's files where there was none",
            ),
        ]
        .into_iter()
        .filter_map(|(needed, step)| needed.then_some(step))
        .collect();
        format!(
            "not every file could be put back: {}; to restore the earlier results, {} before \
             running again",
            not_restored.join("; "),
            steps.join(" and ")
        )
    };
    Err(anyhow::Error::new(error).context(format!("{what} ({outcome})")))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    #[test]
    fn another_users_file_in_a_sticky_folder_cannot_be_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("summary.csv"), "earlier").unwrap();
        fs::write(temporary_name(dir, "revenue.csv"), "left over").unwrap();
        let owner = fs::metadata(dir.join("summary.csv")).unwrap().uid();
        let other = if owner == 4242 { 4343 } else { 4242 };
        let names = ["shares.csv", "summary.csv", "revenue.csv"];

        fs::set_permissions(dir, fs::Permissions::from_mode(0o1777)).unwrap();
        assert_eq!(not_replaceable(dir, names, other), Some("summary.csv"));
        assert_eq!(
            not_replaceable(dir, ["shares.csv", "revenue.csv"], other),
            Some("revenue.csv"),
            "a temporary file left by another user is in the way too"
        );
        assert_eq!(not_replaceable(dir, ["shares.csv"], other), None);
        // The file's owner (here also the folder's) and root may.
        assert_eq!(not_replaceable(dir, names, owner), None);
        assert_eq!(not_replaceable(dir, names, 0), None);

        // Without the sticky bit, anyone who may write the folder may.
        fs::set_permissions(dir, fs::Permissions::from_mode(0o777)).unwrap();
        assert_eq!(not_replaceable(dir, names, other), None);
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).unwrap();
    }

    #[test]
    fn another_users_result_is_told_as_theirs_though_a_leftover_of_it_is_too() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("summary.csv"), "earlier").unwrap();
        fs::write(temporary_name(dir, "summary.csv"), "left over").unwrap();
        let owner = fs::metadata(dir.join("summary.csv")).unwrap().uid();
        let other = if owner == 4242 { 4343 } else { 4242 };
        fs::set_permissions(dir, fs::Permissions::from_mode(0o1777)).unwrap();
        let refused = refuse_others_files(dir, ["summary.csv"], Some(other), "nothing was written")
            .unwrap_err()
            .to_string();
        assert!(
            refused.starts_with("cannot replace summary.csv in ")
                && refused.contains(": another user's file is there, and the folder lets only"),
            "{refused}"
        );
        // A leftover alone is named as such.
        fs::remove_file(dir.join("summary.csv")).unwrap();
        let refused = refuse_others_files(dir, ["summary.csv"], Some(other), "nothing was written")
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains(": another user's leftover .summary.csv.partial is there"),
            "{refused}"
        );
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).unwrap();
    }
}

#[cfg(test)]
mod names_of_the_files {
    use super::*;

    fn file(name: &str) -> OutputFile {
        OutputFile {
            name: name.to_string(),
            bytes: b"x".to_vec(),
        }
    }

    /// Files whose names `write_files` could not keep apart, in the folder
    /// or among its own working files, are refused before anything is
    /// written.
    #[test]
    fn names_that_would_collide_are_refused_and_nothing_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let cancel = AtomicBool::new(false);
        for (names, refused) in [
            (vec!["a/b.csv"], "is not a file name"),
            (vec![".."], "is not a file name"),
            (vec!["x.csv", "X.CSV"], "is given twice"),
            (
                vec!["x.csv", ".x.csv.partial"],
                "\".x.csv.partial\" is the name under which \"x.csv\" is written",
            ),
            (
                vec!["x.csv", ".X.csv.previous"],
                "\".x.csv.previous\" is the name under which an earlier \"x.csv\" is kept",
            ),
        ] {
            let files: Vec<OutputFile> = names.iter().map(|n| file(n)).collect();
            let e = write_files(tmp.path(), &files, &cancel).unwrap_err();
            assert!(e.to_string().contains(refused), "{names:?}: {e}");
            assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0, "{names:?}");
        }
        write_files(tmp.path(), &[file("x.csv"), file("x.csv.partial")], &cancel).unwrap();
        assert_eq!(fs::read(tmp.path().join("x.csv")).unwrap(), b"x");
    }
}

#[cfg(test)]
mod moving_into_place {
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::atomic::AtomicBool;

    /// The file system's moves, except that renaming from or onto any path
    /// in `stuck`, or removing one, fails (as a file another program holds
    /// open does on Windows) once as many such steps as `allow` gives it
    /// (none unless given) have been made on it, and so does making any
    /// hard link, with `no_links`.
    struct Failing {
        stuck: Vec<PathBuf>,
        no_links: bool,
        allow: BTreeMap<PathBuf, usize>,
        made: BTreeMap<PathBuf, usize>,
    }

    impl Failing {
        fn new(stuck: Vec<PathBuf>, no_links: bool) -> Failing {
            Failing {
                stuck,
                no_links,
                allow: BTreeMap::new(),
                made: BTreeMap::new(),
            }
        }

        fn check(&mut self, paths: &[&Path]) -> std::io::Result<()> {
            for &path in paths.iter().filter(|p| self.stuck.iter().any(|s| s == *p)) {
                let made = self.made.entry(path.to_path_buf()).or_default();
                *made += 1;
                if *made > self.allow.get(path).copied().unwrap_or(0) {
                    return Err(std::io::Error::other(
                        "the file is in use by another program",
                    ));
                }
            }
            Ok(())
        }
    }

    impl Moves for Failing {
        fn hard_link(&mut self, original: &Path, link: &Path) -> std::io::Result<()> {
            if self.no_links {
                return Err(std::io::Error::other("links are not supported here"));
            }
            fs::hard_link(original, link)
        }
        fn rename(&mut self, from: &Path, to: &Path) -> std::io::Result<()> {
            self.check(&[from, to])?;
            fs::rename(from, to)
        }
        fn remove_file(&mut self, path: &Path) -> std::io::Result<()> {
            // Nothing there is not found, held open or not.
            if fs::symlink_metadata(path).is_ok() {
                self.check(&[path])?;
            }
            fs::remove_file(path)
        }
    }

    /// Every entry of `dir`, hidden ones too, with its contents.
    fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().into_string().unwrap(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    const NAMES: [&str; 4] = ["shares.csv", "adoption.csv", "summary.csv", "manifest.json"];

    /// The message of moving [`NAMES`] into place in `dir` with `stuck`.
    fn failure(dir: &Path, stuck: Vec<PathBuf>, no_links: bool) -> String {
        let mut moves = Failing::new(stuck, no_links);
        format!(
            "{:#}",
            move_into_place(dir, &NAMES, &mut moves).unwrap_err()
        )
    }

    /// A folder with earlier results but no adoption.csv, a file of the
    /// user's, and the new files written under their temporary names.
    fn folder() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for name in ["shares.csv", "summary.csv", "manifest.json", "notes.txt"] {
            fs::write(dir.join(name), format!("earlier {name}")).unwrap();
        }
        for name in NAMES {
            fs::write(temporary_name(dir, name), format!("new {name}")).unwrap();
        }
        tmp
    }

    /// What `write_files` does after a failure: remove the temporary files.
    fn remove_temporary(dir: &Path) {
        for name in NAMES {
            let _ = fs::remove_file(temporary_name(dir, name));
        }
    }

    #[test]
    fn a_move_that_fails_half_way_puts_back_the_files_already_moved() {
        let cases = NAMES.iter().flat_map(|&name| [(name, false), (name, true)]);
        for (failing, stuck_is_new) in cases {
            for no_links in [false, true] {
                let tmp = folder();
                let dir = tmp.path();
                let mut before = contents(dir);
                before.retain(|name, _| !name.ends_with(".partial"));
                // The earlier file held open, or the new one unable to move.
                let stuck = if stuck_is_new {
                    temporary_name(dir, failing)
                } else {
                    dir.join(failing)
                };
                let message = failure(dir, vec![stuck], no_links);
                // Held open, the earlier file cannot be moved away where
                // there are no links: replacing it is what fails then.
                let step = if no_links && !stuck_is_new && failing != "adoption.csv" {
                    "cannot replace"
                } else {
                    "cannot move"
                };
                assert!(
                    message.starts_with(&format!("{step} {failing} ")),
                    "{message}"
                );
                assert!(
                    message.contains("(the results there are as they were before this job; if another program has")
                        && message.ends_with("the file is in use by another program"),
                    "{message}"
                );
                remove_temporary(dir);
                assert_eq!(
                    contents(dir),
                    before,
                    "{failing} stuck (new: {stuck_is_new}), links: {}",
                    !no_links
                );
            }
        }
    }

    /// A file whose earlier version cannot go back is named, with where
    /// that version is, and the user is told to deal with it; a backup
    /// holding an earlier version is never removed; a second name of a file
    /// held open is reported as the file held open.
    #[test]
    fn files_that_cannot_be_put_back_are_named_with_their_earlier_versions() {
        // The earlier shares.csv cannot leave its backup, and manifest.json
        // cannot be replaced.
        let tmp = folder();
        let dir = tmp.path();
        let message = failure(
            dir,
            vec![backup_name(dir, "shares.csv"), dir.join("manifest.json")],
            false,
        );
        assert!(
            message.starts_with("cannot move manifest.json into place in ")
                && message.contains(
                    "(not every file could be put back: shares.csv holds this job's results, \
                     the earlier one is .shares.csv.previous; to restore the earlier results, \
                     move each earlier one back over its name before running again): "
                ),
            "{message}"
        );
        assert_eq!(fs::read(dir.join("shares.csv")).unwrap(), b"new shares.csv");
        assert_eq!(
            fs::read(backup_name(dir, "shares.csv")).unwrap(),
            b"earlier shares.csv"
        );
        assert!(!dir.join("adoption.csv").exists());
        // The next job keeps that backup and says why, writing nothing.
        remove_temporary(dir);
        let before = contents(dir);
        let kept = earlier_versions_kept(dir, NAMES);
        assert_eq!(kept, [("shares.csv", backup_name(dir, "shares.csv"))]);
        let e = write_files(dir, &newer_files(), &AtomicBool::new(false)).unwrap_err();
        assert_eq!(e.to_string(), earlier_versions_message(&kept));
        assert!(
            e.to_string().starts_with(&format!(
                "{} holds the earlier shares.csv, kept while a job that did not finish replaced \
                 the results",
                backup_name(dir, "shares.csv").display()
            )),
            "{e}"
        );
        assert_eq!(contents(dir), before);

        // Moved away (no links), the earlier summary.csv cannot come back.
        let tmp = folder();
        let dir = tmp.path();
        let mut moves = Failing::new(vec![dir.join("summary.csv")], true);
        moves.allow.insert(dir.join("summary.csv"), 1);
        let message = format!(
            "{:#}",
            move_into_place(dir, &NAMES, &mut moves).unwrap_err()
        );
        assert!(
            message.starts_with("cannot move summary.csv into place in ")
                && message.contains(
                    "(not every file could be put back: summary.csv is missing, the earlier \
                     one is .summary.csv.previous; to restore the earlier results, move each \
                     earlier one back"
                ),
            "{message}"
        );
        assert!(!dir.join("summary.csv").exists());
        assert_eq!(
            fs::read(backup_name(dir, "summary.csv")).unwrap(),
            b"earlier summary.csv"
        );

        // A file new to the folder that cannot be removed again, and one
        // whose earlier version cannot go back, in the order of the files.
        let tmp = folder();
        let dir = tmp.path();
        let stuck = vec![
            dir.join("adoption.csv"),
            backup_name(dir, "shares.csv"),
            dir.join("manifest.json"),
        ];
        let mut moves = Failing::new(stuck, false);
        moves.allow.insert(dir.join("adoption.csv"), 1);
        let message = format!(
            "{:#}",
            move_into_place(dir, &NAMES, &mut moves).unwrap_err()
        );
        assert!(
            message.contains(
                "(not every file could be put back: shares.csv holds this job's results, the \
                 earlier one is .shares.csv.previous; adoption.csv is this job's, where there \
                 was none; to restore the earlier results, move each earlier one back over its \
                 name and remove each of this job's files where there was none before running \
                 again)"
            ),
            "{message}"
        );

        // Held open as the earlier file and as a second name of it that a
        // job left: the file held open is named, and nothing changes.
        let tmp = folder();
        let dir = tmp.path();
        fs::hard_link(dir.join("summary.csv"), backup_name(dir, "summary.csv")).unwrap();
        let mut before = contents(dir);
        before.retain(|name, _| !name.ends_with(".partial"));
        let stuck = vec![dir.join("summary.csv"), backup_name(dir, "summary.csv")];
        let message = failure(dir, stuck, false);
        assert!(
            message.starts_with("cannot replace summary.csv in ")
                && message.contains(
                    "(the results there are as they were before this job; if another program \
                     has summary.csv open, close it, or else remove .summary.csv.previous; then \
                     run again)"
                ),
            "{message}"
        );
        remove_temporary(dir);
        assert_eq!(contents(dir), before);
    }

    /// The files of [`NAMES`] a later job writes.
    fn newer_files() -> Vec<OutputFile> {
        NAMES
            .iter()
            .map(|name| OutputFile {
                name: name.to_string(),
                bytes: format!("newer {name}").into_bytes(),
            })
            .collect()
    }

    /// A job stopped after its last file (the manifest) was in place left
    /// backups that are only its clean-up's: the next job removes them. One
    /// stopped before it left a folder of mixed results: every backup is
    /// named, and nothing is written. A backup that cannot be removed after
    /// success leaves the last file's too, so the next job knows the first
    /// job finished.
    #[test]
    fn a_finished_jobs_backups_are_removed_and_an_unfinished_jobs_kept() {
        let earlier = |dir: &Path, name: &str| {
            fs::write(backup_name(dir, name), format!("earlier {name}")).unwrap();
        };
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for name in NAMES {
            fs::write(dir.join(name), format!("new {name}")).unwrap();
            earlier(dir, name);
        }
        assert_eq!(earlier_versions_kept(dir, NAMES), []);
        write_files(dir, &newer_files(), &AtomicBool::new(false)).unwrap();
        let mut expected = BTreeMap::new();
        for name in NAMES {
            expected.insert(name.to_string(), format!("newer {name}").into_bytes());
        }
        assert_eq!(contents(dir), expected);

        // Stopped before the manifest: every earlier version is named.
        fs::remove_file(backup_name(dir, "manifest.json")).unwrap_or_default();
        earlier(dir, "shares.csv");
        earlier(dir, "summary.csv");
        let kept = earlier_versions_kept(dir, NAMES);
        assert_eq!(
            kept,
            [
                ("shares.csv", backup_name(dir, "shares.csv")),
                ("summary.csv", backup_name(dir, "summary.csv"))
            ]
        );
        assert!(earlier_versions_message(&kept).contains(
            " hold the earlier shares.csv, summary.csv, kept while a job that did not \
                 finish replaced the results (one interrupted, or one that could not put them \
                 back); move each back over its name to restore the earlier results (a result \
                 the earlier ones did not have is that job's too: remove it), or remove them to \
                 keep the results there now, then run again"
        ));
        let before = contents(dir);
        assert!(write_files(dir, &newer_files(), &AtomicBool::new(false)).is_err());
        assert_eq!(contents(dir), before);

        // A backup that cannot be removed after success: the manifest's
        // stays beside it, and the next job removes both.
        let tmp = folder();
        let dir = tmp.path();
        let mut moves = Failing::new(vec![backup_name(dir, "shares.csv")], false);
        move_into_place(dir, &NAMES, &mut moves).unwrap();
        assert!(backup_name(dir, "shares.csv").exists());
        assert!(backup_name(dir, "manifest.json").exists());
        assert_eq!(earlier_versions_kept(dir, NAMES), []);
        write_files(dir, &newer_files(), &AtomicBool::new(false)).unwrap();
        assert!(!backup_name(dir, "shares.csv").exists());
        assert!(!backup_name(dir, "manifest.json").exists());

        // A finished job's leftovers go before the next job makes backups,
        // so that one that then fails is not taken for finished.
        let tmp = folder();
        let dir = tmp.path();
        for name in NAMES {
            fs::write(backup_name(dir, name), format!("older {name}")).unwrap();
        }
        assert_eq!(earlier_versions_kept(dir, NAMES), []);
        let stuck = vec![dir.join("summary.csv"), backup_name(dir, "shares.csv")];
        let mut moves = Failing::new(stuck, false);
        // The leftover there goes; the backup this job makes cannot go back.
        moves.allow.insert(backup_name(dir, "shares.csv"), 1);
        assert!(move_into_place(dir, &NAMES, &mut moves).is_err());
        assert_eq!(
            earlier_versions_kept(dir, NAMES),
            [("shares.csv", backup_name(dir, "shares.csv"))]
        );
    }

    /// Backups that hold nothing the folder lacks (a second name of the
    /// result, a link) are removed; after success no backup is left.
    #[test]
    fn moved_files_replace_the_earlier_ones_and_leave_no_backup() {
        for no_links in [false, true] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path();
            fs::write(dir.join("shares.csv"), "earlier").unwrap();
            fs::hard_link(dir.join("shares.csv"), backup_name(dir, "shares.csv")).unwrap();
            std::os::unix::fs::symlink(dir.join("shares.csv"), backup_name(dir, "summary.csv"))
                .unwrap();
            for name in ["shares.csv", "summary.csv"] {
                fs::write(temporary_name(dir, name), format!("new {name}")).unwrap();
            }
            let mut moves = Failing::new(Vec::new(), no_links);
            move_into_place(dir, &["shares.csv", "summary.csv"], &mut moves).unwrap();
            let expected: BTreeMap<String, Vec<u8>> = [
                ("shares.csv".to_string(), b"new shares.csv".to_vec()),
                ("summary.csv".to_string(), b"new summary.csv".to_vec()),
            ]
            .into();
            assert_eq!(contents(dir), expected, "links: {}", !no_links);
        }
    }
}
