//! Where the commands of the stages (`cargo run -p perceptron`, `cargo run
//! -p mlp`, the examples) write their figures: under the build folder, never
//! into the book. Only `cargo figures` writes into `book/src/`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// `<target>/figures/<name>/`, where `<target>` is `CARGO_TARGET_DIR` if it
/// is set (relative to the current folder, as cargo reads it), else the
/// workspace's `target/` (found from this crate's location, so that it works
/// from any folder). The folder is not created: the figure writers create
/// it.
///
/// ```
/// let dir = plotting::target_figures_dir("perceptron");
/// assert!(dir.ends_with("figures/perceptron"));
/// ```
pub fn target_figures_dir(name: &str) -> PathBuf {
    figures_dir_in(std::env::var_os("CARGO_TARGET_DIR").as_deref(), name)
}

/// [`target_figures_dir`] for a given value of `CARGO_TARGET_DIR`.
fn figures_dir_in(cargo_target_dir: Option<&OsStr>, name: &str) -> PathBuf {
    let target = match cargo_target_dir {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("target"),
    };
    target.join("figures").join(name)
}

/// The workspace root, two levels above this crate (`crates/plotting`).
fn workspace_root() -> &'static Path {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().nth(2).unwrap_or(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_go_under_the_target_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().parent().unwrap();
        assert_eq!(figures_dir_in(None, "mlp"), root.join("target/figures/mlp"));
        assert_eq!(figures_dir_in(Some(OsStr::new("")), "mlp"), root.join("target/figures/mlp"));
        assert_eq!(figures_dir_in(Some(OsStr::new("/tmp/t")), "mlp"), Path::new("/tmp/t/figures/mlp"));
        assert_eq!(figures_dir_in(Some(OsStr::new("out")), "x"), Path::new("out/figures/x"));
        assert!(root.join("Cargo.toml").is_file(), "{} is the workspace root", root.display());
    }
}
