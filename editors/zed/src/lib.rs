//! A Zed extension that starts `crosswire --lsp`, the `crosswire` found on the PATH of the
//! worktree's shell. Zed compiles it to WebAssembly when it is installed as a dev extension.

use zed_extension_api::{self as zed, LanguageServerId, Result, Worktree};

struct Crosswire;

impl zed::Extension for Crosswire {
    fn new() -> Self {
        Crosswire
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &Worktree,
    ) -> Result<zed::Command> {
        let command = worktree.which("crosswire").ok_or_else(|| {
            "crosswire is not on PATH: install it (cargo install --locked crosswire) or add the \
             folder that holds it to PATH"
                .to_string()
        })?;
        Ok(zed::Command {
            command,
            args: vec!["--lsp".to_string()],
            env: Default::default(),
        })
    }
}

zed::register_extension!(Crosswire);
