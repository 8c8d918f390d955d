//! The build step of an application: one file per provider of `schemas/` into `OUT_DIR`.

fn main() -> Result<(), toolgen::Error> {
    toolgen::Builder::new("schemas").compile()
}
