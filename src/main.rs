//! The `sharecast` binary: all work lives in the library.

fn main() -> std::process::ExitCode {
    sharecast::cli::main()
}
