//! The `toolgen` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// See the `mimalloc` feature in `generator/Cargo.toml`.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generates a typed Rust SDK crate from MCP tool definitions.
#[derive(Debug, Parser)]
#[command(name = "toolgen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerates the SDK crate from the schemas folder.
    Generate {
        /// The folder with one sub-folder of tool definitions per provider.
        #[arg(long)]
        schemas: Option<PathBuf>,
        /// Where the crate is written (Cargo.toml and src/).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        crate_args: CrateArgs,
    },
    /// Prints, per provider: tools, clean and failed, warnings, types before and after dedup,
    /// and lines of generated code.
    Report {
        /// The folder with one sub-folder of tool definitions per provider.
        #[arg(long)]
        schemas: Option<PathBuf>,
    },
    /// Runs a JSON-Schema-Test-Suite folder (such as `tests/draft2020-12`) through the generator
    /// and the compiler, and prints a table per keyword file.
    Conformance {
        /// The suite folder: keyword files, optionally with an `optional/` sub-folder.
        dir: PathBuf,
        /// Where the generated crate and its driver are built.
        #[arg(long, default_value = "target/conformance")]
        work: PathBuf,
        /// Also list every failed test.
        #[arg(long)]
        verbose: bool,
        /// The suite's `remotes/` folder, served from disk as `http://localhost:1234/` (never
        /// fetched), so that groups referring to remote documents count.
        #[arg(long)]
        remotes: Option<PathBuf>,
    },
    /// Classifies the changes between two schema trees by their effect on the generated API and
    /// suggests a semver bump. OLD and NEW are schema folders or git revisions.
    Diff {
        /// The old schemas: a folder, or a git revision (whose `--path` folder is read).
        old: String,
        /// The new schemas: a folder, or a git revision.
        new: String,
        /// The schemas folder inside a git revision, from the repository root.
        #[arg(long, default_value = "schemas")]
        path: String,
        /// The git repository that revisions are read from.
        #[arg(long, default_value = ".")]
        repo: PathBuf,
        /// The report format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
    },
    /// Fetches a live MCP server's tools (`tools/list`, every page) into `schemas/<provider>/`,
    /// one file per tool; files of tools the server no longer lists are deleted.
    #[cfg(feature = "pull")]
    Pull {
        /// The Streamable HTTP endpoint.
        #[arg(long, required_unless_present = "stdio", conflicts_with = "stdio")]
        url: Option<String>,
        /// A command that serves MCP over stdio (program and arguments, split at whitespace).
        #[arg(long)]
        stdio: Option<String>,
        /// The provider folder to write.
        #[arg(long)]
        provider: String,
        /// An HTTP header for every request, as `Name: value`; repeatable.
        #[arg(long = "header")]
        headers: Vec<String>,
        /// The folder with one sub-folder of tool definitions per provider.
        #[arg(long)]
        schemas: Option<PathBuf>,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Exits 0 when the output folder is exactly what the schemas produce, 1 otherwise.
    Check {
        /// The folder with one sub-folder of tool definitions per provider.
        #[arg(long)]
        schemas: Option<PathBuf>,
        /// The generated crate to compare.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        crate_args: CrateArgs,
    },
}

/// What the generated crate is: these override `toolgen.toml` in the current folder.
#[derive(Debug, clap::Args)]
struct CrateArgs {
    /// The package name of the generated crate (default: `toolgen.toml`'s, else `toolgen-sdk`).
    #[arg(long)]
    crate_name: Option<String>,
    /// How the crate reaches the runtime: `shared` depends on the `toolgen-runtime` crate (one
    /// runtime for every SDK of an application), `vendored` copies it in (a crate that stands
    /// alone, from registry crates only). Default: `toolgen.toml`'s `[runtime]`, else vendored.
    #[arg(long, value_enum)]
    runtime: Option<RuntimeArg>,
    /// The folder of the `toolgen-runtime` crate, for a shared runtime as a path dependency
    /// (implies `--runtime shared`).
    #[arg(long, conflicts_with = "runtime")]
    runtime_path: Option<PathBuf>,
}

/// How `pull` authorizes with an HTTP server that requires OAuth.
#[cfg(feature = "pull")]
#[derive(Debug, clap::Args)]
struct AuthArgs {
    /// Sign in with OAuth (authorization code with PKCE): a browser opens (`$BROWSER`, else the
    /// system's) at the authorization URL, which is also printed; the tokens are kept in the
    /// user's config folder (`toolgen/tokens/`) for the next pull.
    #[arg(long, conflicts_with = "client_credentials")]
    oauth: bool,
    /// OAuth's client credentials grant, for unattended pulls (CI): needs `--client-id`, and
    /// the secret in the environment variable `--client-secret-env` names.
    #[arg(long, requires = "client_id")]
    client_credentials: bool,
    /// A client registered with the authorization server (default with `--oauth`: dynamic
    /// registration).
    #[arg(long)]
    client_id: Option<String>,
    /// The HTTPS URL of toolgen's client metadata document, used as the client ID where the
    /// authorization server supports them.
    #[arg(long, conflicts_with_all = ["client_id", "client_credentials"])]
    client_metadata_url: Option<String>,
    /// The environment variable that holds the client secret (never a flag value).
    #[arg(long, default_value = "TOOLGEN_CLIENT_SECRET")]
    client_secret_env: String,
    /// A scope to ask for; repeatable (default: what the server asks for).
    #[arg(long = "scope")]
    scopes: Vec<String>,
}

/// `--runtime`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum RuntimeArg {
    /// Depend on the `toolgen-runtime` crate.
    Shared,
    /// Copy the runtime into the crate.
    Vendored,
}

/// How `diff` prints its report.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// Markdown for a pull request.
    Markdown,
    /// The same report as JSON.
    Json,
}

/// A schema tree given as a folder, or else as a git revision.
fn load_tree(
    spec: &str,
    repo: &std::path::Path,
    path: &str,
) -> Result<Vec<toolgen::tool::Tool>, toolgen::Diagnostics> {
    let folder = PathBuf::from(spec);
    if folder.is_dir() {
        toolgen::load::load(&folder).map_err(|d| d.under(&folder))
    } else {
        toolgen::load::load_git(repo, spec, path)
    }
}

/// Lists the server's tools, then replaces the provider's pulled files in one swap.
#[cfg(feature = "pull")]
fn pull(
    url: Option<String>,
    stdio: Option<String>,
    provider: &str,
    headers: &[String],
    auth: AuthArgs,
    schemas: &std::path::Path,
) -> Result<toolgen::write::PullReport, toolgen::pull::PullError> {
    use toolgen::pull::{Auth, ClientIdentity, PullError, Source};
    let signs_in = auth.oauth || auth.client_credentials;
    let source = match (url, stdio) {
        (_, Some(_)) if signs_in => {
            return Err(PullError::Local(
                "--oauth and --client-credentials are for --url; a --stdio server is not \
                 authorized over HTTP"
                    .to_string(),
            ));
        }
        (_, Some(command)) => Source::Stdio { command },
        (Some(url), None) => Source::Http {
            url,
            headers: headers
                .iter()
                .map(|h| toolgen::pull::parse_header(h))
                .collect::<Result<_, _>>()
                .map_err(PullError::Local)?,
            auth: pull_auth(auth)?,
        },
        (None, None) => return Err(PullError::Local("pass --url or --stdio".to_string())),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| PullError::Local(err.to_string()))?;
    return runtime.block_on(toolgen::pull::pull(&source, schemas, provider));

    /// The `--oauth` and `--client-credentials` flags, with the secret from the environment.
    fn pull_auth(args: AuthArgs) -> Result<Auth, PullError> {
        let secret = std::env::var(&args.client_secret_env)
            .ok()
            .filter(|s| !s.is_empty())
            .map(toolgen::pull::Secret::new);
        if args.client_credentials {
            let Some(client_secret) = secret else {
                return Err(PullError::Local(format!(
                    "--client-credentials needs the client secret in ${}",
                    args.client_secret_env
                )));
            };
            return Ok(Auth::ClientCredentials {
                client_id: args.client_id.unwrap_or_default(),
                client_secret,
                scopes: args.scopes,
            });
        }
        if !args.oauth {
            if args.client_id.is_some() || args.client_metadata_url.is_some() {
                return Err(PullError::Local(
                    "--client-id and --client-metadata-url need --oauth or --client-credentials"
                        .to_string(),
                ));
            }
            return Ok(Auth::None);
        }
        let Some(config) = dirs::config_dir() else {
            return Err(PullError::Local(
                "--oauth keeps its tokens in the user's config folder, and there is none \
                 (set $XDG_CONFIG_HOME or $HOME)"
                    .to_string(),
            ));
        };
        let client = match (args.client_id, args.client_metadata_url) {
            (Some(id), _) => ClientIdentity::Registered(id),
            (None, Some(url)) => ClientIdentity::MetadataUrl(url),
            (None, None) => ClientIdentity::Dynamic,
        };
        Ok(Auth::AuthorizationCode {
            client,
            client_secret: secret,
            scopes: args.scopes,
            tokens: config.join("toolgen").join("tokens"),
            browser: std::env::var("BROWSER")
                .ok()
                .filter(|b| !b.trim().is_empty()),
        })
    }
}

/// `toolgen.toml` of the current folder or its nearest ancestor, or the defaults: paths start
/// where the user stands, never where toolgen was built.
fn config() -> Result<toolgen::config::Config, toolgen::Diagnostics> {
    toolgen::load::find_config(std::path::Path::new("."))
}

/// The schemas folder `toolgen.toml` names (or `./schemas`), for commands that take only that.
fn default_schemas() -> PathBuf {
    config().map_or_else(|_| PathBuf::from("schemas"), |config| config.schemas)
}

/// The generator and output folder for `generate` and `check`: the flags over `toolgen.toml`.
fn crate_generator(
    schemas: Option<PathBuf>,
    out: Option<PathBuf>,
    args: CrateArgs,
) -> Result<(toolgen::Generator, PathBuf), toolgen::Diagnostics> {
    use toolgen::config::RuntimeChoice;
    let config = config()?;
    let schemas = schemas.unwrap_or_else(|| config.schemas.clone());
    let out = out.unwrap_or_else(|| config.out.clone());
    let mut options = config.emit_options();
    if let Some(name) = args.crate_name {
        options.crate_name = name;
    }
    let choice = match (args.runtime, args.runtime_path) {
        (_, Some(path)) => RuntimeChoice::Shared(Some(path)),
        (Some(RuntimeArg::Vendored), None) => RuntimeChoice::Vendored,
        (Some(RuntimeArg::Shared), None) => match &config.runtime {
            RuntimeChoice::Shared(path) => RuntimeChoice::Shared(path.clone()),
            _ => RuntimeChoice::Shared(None),
        },
        (None, None) => config.runtime.clone(),
    };
    options.runtime = choice.for_output(&out);
    Ok((toolgen::Generator::new(schemas).options(options), out))
}

fn main() -> ExitCode {
    // Diagnostics are rendered once, here, in colour only for a terminal without NO_COLOR.
    let color = toolgen::diagnostics::color_stderr();
    match Cli::parse().command {
        Command::Generate {
            schemas,
            out,
            crate_args,
        } => {
            let Ok((generator, out)) = crate_generator(schemas, out, crate_args)
                .map_err(|problems| eprintln!("{}", problems.render(color)))
            else {
                return ExitCode::FAILURE;
            };
            match generator.write_to(&out) {
                Ok(report) => {
                    for warning in &report.warnings {
                        eprintln!("{}\n", report.sources.render(warning, color));
                    }
                    eprintln!(
                        "generated {}: {} written, {} unchanged, {} removed, {} warnings",
                        out.display(),
                        report.written.len(),
                        report.unchanged.len(),
                        report.removed.len(),
                        report.warnings.len()
                    );
                    for path in report.written.iter().chain(&report.removed) {
                        eprintln!("  {path}");
                    }
                    ExitCode::SUCCESS
                }
                Err(toolgen::Error::Input(diagnostics)) => {
                    eprintln!("{}", diagnostics.render(color));
                    ExitCode::FAILURE
                }
                Err(err) => {
                    eprintln!("{err}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Report { schemas } => {
            let schemas = schemas.unwrap_or_else(default_schemas);
            match toolgen::report::report(&schemas, &toolgen::emit::EmitOptions::default()) {
                Ok(reports) => {
                    println!("{}", toolgen::report::table(&reports));
                    if reports.iter().any(|r| r.errors > 0) {
                        ExitCode::FAILURE
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(diagnostics) => {
                    eprintln!("{}", diagnostics.render(color));
                    ExitCode::FAILURE
                }
            }
        }
        Command::Conformance {
            dir,
            work,
            verbose,
            remotes,
        } => {
            match toolgen::conformance::run(&dir, &work, &toolgen::conformance::Options { remotes })
            {
                Ok(report) => {
                    if verbose {
                        for (file, result) in &report.files {
                            for failure in &result.failures {
                                println!("FAIL {file}: {failure}");
                            }
                        }
                    }
                    println!("{}", report.table());
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Diff {
            old,
            new,
            path,
            repo,
            format,
        } => {
            let (before, after) = (load_tree(&old, &repo, &path), load_tree(&new, &repo, &path));
            match (before, after) {
                (Ok(before), Ok(after)) => {
                    let report = toolgen::diff::diff(&before, &after);
                    match format {
                        Format::Markdown => print!("{}", report.markdown()),
                        Format::Json => println!("{}", report.json()),
                    }
                    ExitCode::SUCCESS
                }
                (before, after) => {
                    for problems in [before.err(), after.err()].into_iter().flatten() {
                        eprintln!("{}", problems.render(color));
                    }
                    ExitCode::FAILURE
                }
            }
        }
        #[cfg(feature = "pull")]
        Command::Pull {
            url,
            stdio,
            provider,
            headers,
            schemas,
            auth,
        } => {
            let schemas = schemas.unwrap_or_else(default_schemas);
            match pull(url, stdio, &provider, &headers, auth, &schemas) {
                Ok(report) => {
                    eprintln!(
                        "pulled {}: {} added, {} changed, {} removed",
                        schemas.join(&provider).display(),
                        report.added.len(),
                        report.changed.len(),
                        report.removed.len()
                    );
                    for (label, names) in [
                        ("added", &report.added),
                        ("changed", &report.changed),
                        ("removed", &report.removed),
                    ] {
                        for name in names {
                            eprintln!("  {label} {}", toolgen::diagnostics::quoted(name));
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!(
                        "error: {err}\n  nothing under {} was changed",
                        schemas.display()
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check {
            schemas,
            out,
            crate_args,
        } => {
            let Ok((generator, out)) = crate_generator(schemas, out, crate_args)
                .map_err(|problems| eprintln!("{}", problems.render(color)))
            else {
                return ExitCode::FAILURE;
            };
            match generator.render() {
                Ok(rendered) => match toolgen::write::stale(&out, &rendered) {
                    Ok(stale) if stale.is_empty() => {
                        eprintln!("{} is up to date", out.display());
                        ExitCode::SUCCESS
                    }
                    Ok(stale) => {
                        eprintln!(
                            "{} is stale; run `cargo run -p toolgen -- generate`:",
                            out.display()
                        );
                        for path in stale {
                            eprintln!("  {path}");
                        }
                        ExitCode::FAILURE
                    }
                    Err(err) => {
                        eprintln!("error: cannot read {}: {err}", out.display());
                        ExitCode::FAILURE
                    }
                },
                Err(diagnostics) => {
                    eprintln!("{}", diagnostics.render(color));
                    ExitCode::FAILURE
                }
            }
        }
    }
}
