fn main() -> std::process::ExitCode {
    keyward_server::cli::main()
}
