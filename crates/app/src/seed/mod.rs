//! Seeds: TOML files that describe a directory world, and the demo world Portico ships.

mod access_policies;
mod apis;
mod build;
mod export;
mod format;

pub use build::{build_world, SeedError};
pub use export::to_toml;
pub use format::SeedFile;

/// The demo world of `portico serve --demo` (`docs/demo-world.md`).
pub const DEMO_SEED: &str = include_str!("../../seeds/demo.toml");

/// Parses a seed file's text.
pub fn parse(text: &str) -> Result<SeedFile, SeedError> {
    toml::from_str(text).map_err(|e| SeedError::Syntax(e.to_string()))
}

/// The demo seed, parsed.
pub fn demo() -> Result<SeedFile, SeedError> {
    parse(DEMO_SEED)
}
