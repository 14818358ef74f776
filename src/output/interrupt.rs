//! Ctrl-C during `adapt` or `publish`: the staging folders being filled are
//! removed before wbl exits, so an interrupted run leaves OUT exactly as it
//! was and nothing beside it.
//!
//! Writes into staging folders and the final swap hold the gate's read
//! side; the handler takes the write side, so it never removes a folder
//! half-way through a swap, and no write recreates a folder it removed.
//!
//! A run also holds a lock on its staging folder's marker file (Unix), so
//! another run's clean-up of folders left by killed runs skips it; the
//! system releases the lock when the process dies, even from `kill -9`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once, RwLock, RwLockReadGuard};

/// The exit code of a run stopped by Ctrl-C, as shells report SIGINT.
const EXIT_INTERRUPTED: i32 = 130;

static GATE: RwLock<()> = RwLock::new(());
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Staging folders being filled, with the output folder each is for.
static ACTIVE: Mutex<Vec<(PathBuf, String)>> = Mutex::new(Vec::new());
/// Other files a run writes before its swap (the new `wbl.lock`).
static FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the Ctrl-C handler, once per process.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only when another handler is installed (`wbl serve`, which
        // writes no staging folders).
        let _ = ctrlc::set_handler(on_interrupt);
    });
}

fn on_interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let _gate = GATE.write().unwrap_or_else(|e| e.into_inner());
    let active = std::mem::take(&mut *ACTIVE.lock().unwrap_or_else(|e| e.into_inner()));
    for file in std::mem::take(&mut *FILES.lock().unwrap_or_else(|e| e.into_inner())) {
        let _ = std::fs::remove_file(file);
    }
    let mut outs: Vec<String> = Vec::new();
    for (dir, out) in active {
        let _ = std::fs::remove_dir_all(&dir);
        if !outs.contains(&out) {
            outs.push(out);
        }
    }
    let newline = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        "\n"
    } else {
        ""
    };
    if outs.is_empty() {
        eprintln!("{newline}interrupted");
    } else {
        let names: Vec<String> = outs.iter().map(|o| format!("`{o}`")).collect();
        eprintln!(
            "{newline}interrupted: the unfinished output was removed; {} unchanged",
            if names.len() == 1 {
                format!("{} is", names[0])
            } else {
                format!("{} are", names.join(", "))
            }
        );
    }
    std::process::exit(EXIT_INTERRUPTED);
}

/// Held while writing into a staging folder or swapping it in; an error
/// once Ctrl-C was pressed.
pub fn gate() -> anyhow::Result<RwLockReadGuard<'static, ()>> {
    let guard = GATE.read().unwrap_or_else(|e| e.into_inner());
    if INTERRUPTED.load(Ordering::SeqCst) {
        anyhow::bail!("interrupted");
    }
    Ok(guard)
}

pub fn register(dir: &Path, out: &str) {
    ACTIVE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((dir.to_path_buf(), out.to_string()));
}

/// Removes `file` on Ctrl-C, unless [`forget`] is called first.
pub fn register_file(file: &Path) {
    FILES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(file.to_path_buf());
}

pub fn forget(file: &Path) {
    FILES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|f| f != file);
}

pub fn unregister(dir: &Path) {
    ACTIVE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(d, _)| d != dir);
}

/// Marks `marker` as in use by this run.
#[cfg(unix)]
pub fn hold(marker: &std::fs::File) {
    // Without the lock (a file system that has none), the clean-up of a
    // concurrent run could remove this folder; the run then fails with a
    // clear error and OUT is untouched, so this is not worth failing for.
    let _ = rustix::fs::flock(marker, rustix::fs::FlockOperation::NonBlockingLockExclusive);
}

#[cfg(not(unix))]
pub fn hold(_: &std::fs::File) {}

/// Whether a running wbl holds `marker`.
#[cfg(unix)]
pub fn in_use(marker: &Path) -> bool {
    let Ok(file) = std::fs::File::open(marker) else {
        return false;
    };
    match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockShared) {
        Ok(()) => {
            let _ = rustix::fs::flock(&file, rustix::fs::FlockOperation::Unlock);
            false
        }
        Err(e) => e == rustix::io::Errno::WOULDBLOCK,
    }
}

/// Without advisory locks every marked folder is taken as left behind;
/// a concurrent run on the same OUT may then lose its staging folder and
/// fail (leaving OUT untouched).
#[cfg(not(unix))]
pub fn in_use(_: &Path) -> bool {
    false
}
