//! Standard output for commands whose output may be piped: `portico openapi | head` stops
//! reading early, which is not an error (and must never be a panic, as `print!` would make it).

use std::io::{ErrorKind, Write};

/// Writes `text` to standard output. A reader that has gone away ends the output quietly.
pub fn print(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() == ErrorKind::BrokenPipe => Ok(()),
        result => result,
    }
}

/// [`print`] with a line end.
pub fn println(line: &str) -> std::io::Result<()> {
    print(&format!("{line}\n"))
}
