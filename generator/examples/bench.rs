//! Generation throughput against typify, on the shared corpus and on synthetic tool sets.
//!
//! ```sh
//! cargo run --release -p toolgen --example bench                  # corpus, 100, 1000, 10000, seed-like 1000, many locales 1000
//! cargo run --release -p toolgen --example bench -- --sizes 100,1000 --seed-like 0 --many-locales 0 --no-corpus
//! cargo run --release -p toolgen --example bench -- --compile     # compile cost of the output
//! ```
//!
//! Options: `--sizes N,N,...` (synthetic sets, default `100,1000,10000`), `--seed-like N,...`
//! (variations of the seed tool, default `1000`; `0` for none), `--many-locales N,...` (seed-like
//! tools whose locale enums are many different subsets of the seed's, default `1000`; `0` for
//! none), `--no-corpus`, `--timeout SECS`
//! per child (default 1800), `--keep DIR` (write the sets into DIR and keep them, for profiling),
//! `--no-typify` (toolgen only).
//!
//! Every case runs in a child process of this binary, once with toolgen (`Generator::run`: load,
//! model, emit, render, no write) and once with typify 0.8 (read the same files, put every tool's
//! input and output schema into one `TypeSpace`, `to_stream`, format with prettyplease), so that
//! each figure has its own peak memory (the child's `VmHWM`). The table gives wall time, peak
//! memory and output lines, the ratios toolgen/typify, and how time and memory grow with the tool
//! count. Wall time depends on the machine's load; CPU time (user + system, from
//! `/proc/self/stat`) much less, so both are shown. The synthetic sets come from `toolgen::synth`
//! (`tools`, `seed_like` and `many_locales`); the corpus is `../shared/corpora/tools`, read in place and skipped
//! with a message when it is not there.
//!
//! `--compile` measures the compile cost of the output instead: for each case it writes toolgen's
//! crate and a crate holding typify's output for the same tools (one `TypeSpace` as above,
//! formatted into `src/lib.rs`, with the dependencies it names), builds each crate's
//! dependencies in one shared debug target folder (with an empty `src/lib.rs` in its place, so
//! they are compiled once and not measured), then puts `src/lib.rs` back and times `cargo build`
//! under `/usr/bin/time` with `CARGO_INCREMENTAL=0`: that is a clean debug build of the generated
//! crate alone, with its peak memory (the largest process, rustc). It reports both and their
//! lines of code. Synthetic tools with two property names that typify maps to one field
//! (`page_cursor`, `pageCursor`) are left out of both crates there, since typify's crate would not
//! compile; the table says how many.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The allocator of the `toolgen` binary (the `mimalloc` feature), for toolgen and typify alike.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use serde_json::Value;

/// One child's figures.
#[derive(Debug, Clone, Copy, Default)]
struct Figures {
    seconds: f64,
    cpu_seconds: f64,
    peak_mb: f64,
    tools: usize,
    lines: usize,
    failures: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        let (Some(which), Some(dir)) = (args.get(2), args.get(3)) else {
            eprintln!("usage: bench --child toolgen|typify DIR");
            std::process::exit(2);
        };
        child(which, Path::new(dir));
        return;
    }
    let list = |name: &str, default: &str| -> Vec<usize> {
        flag(&args, name)
            .unwrap_or(default)
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .filter(|&n| n > 0)
            .collect()
    };
    let sizes = list("--sizes", "100,1000,10000");
    let seed_like = list("--seed-like", "1000");
    let many_locales = list("--many-locales", "1000");
    let timeout = Duration::from_secs(
        flag(&args, "--timeout")
            .and_then(|s| s.parse().ok())
            .unwrap_or(1800),
    );
    let keep = flag(&args, "--keep").map(PathBuf::from);
    let scratch = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("toolgen-bench-{}", std::process::id()))
    });
    let mut cases: Vec<(String, PathBuf)> = Vec::new();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora/tools");
    if !args.iter().any(|a| a == "--no-corpus") {
        if corpus.is_dir() {
            cases.push(("shared corpus".to_string(), corpus));
        } else {
            println!("skipped: {} is not there", corpus.display());
        }
    }
    let compile = args.iter().any(|a| a == "--compile");
    let sets = sizes
        .iter()
        .map(|&n| {
            (
                format!("synthetic {n}"),
                format!("synth-{n}"),
                n,
                Set::Synthetic,
            )
        })
        .chain(seed_like.iter().map(|&n| {
            (
                format!("seed-like {n}"),
                format!("seed-{n}"),
                n,
                Set::SeedLike,
            )
        }))
        .chain(many_locales.iter().map(|&n| {
            let label = format!("many locales {n}");
            (label, format!("locales-{n}"), n, Set::ManyLocales)
        }));
    for (label, folder, size, set) in sets {
        let dir = scratch.join(folder);
        let provider = dir.join("synth");
        fs::create_dir_all(&provider).expect("create the scratch folder");
        let mut tools = match set {
            Set::Synthetic => toolgen::synth::tools(size, 42),
            Set::SeedLike => toolgen::synth::seed_like(size, 42),
            Set::ManyLocales => toolgen::synth::many_locales(size, 42),
        };
        let mut label = label;
        if compile {
            // typify gives two properties whose names differ only in case style
            // (`page_cursor`, `pageCursor`) the same field name, and its crate then does not
            // compile; the build comparison needs both crates to build, so both get only the
            // other tools.
            let before = tools.len();
            tools.retain(|tool| !snake_case_collision(tool));
            if tools.len() < before {
                label = format!(
                    "{label} (without the {} tools typify's output does not compile for)",
                    before - tools.len()
                );
            }
        }
        for (name, text) in toolgen::synth::to_files(tools) {
            fs::write(provider.join(name), text).expect("write a synthetic tool");
        }
        cases.push((label, dir));
    }

    if compile {
        compile_cost(&cases, &scratch);
    } else {
        throughput(&cases, timeout, args.iter().any(|a| a == "--no-typify"));
    }
    if keep.is_none() {
        let _ = fs::remove_dir_all(&scratch);
    }
}

/// Which synthetic set a case is built from.
#[derive(Debug, Clone, Copy)]
enum Set {
    /// `synth::tools`.
    Synthetic,
    /// `synth::seed_like`.
    SeedLike,
    /// `synth::many_locales`.
    ManyLocales,
}

/// Whether some object in `value` has two property names with the same snake_case spelling,
/// which typify turns into two fields of one name.
fn snake_case_collision(value: &Value) -> bool {
    fn snake(name: &str) -> String {
        let mut out = String::new();
        for c in name.chars() {
            if c.is_uppercase() {
                if !out.is_empty() && !out.ends_with('_') {
                    out.push('_');
                }
                out.extend(c.to_lowercase());
            } else if c.is_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('_') {
                out.push('_');
            }
        }
        out
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                let mut seen = std::collections::BTreeSet::new();
                if properties.keys().any(|key| !seen.insert(snake(key))) {
                    return true;
                }
            }
            map.values().any(snake_case_collision)
        }
        Value::Array(items) => items.iter().any(snake_case_collision),
        _ => false,
    }
}

/// Generation throughput: each case in a child per generator.
fn throughput(cases: &[(String, PathBuf)], timeout: Duration, no_typify: bool) {
    println!(
        "| case | tools | toolgen s | typify s | time ratio | toolgen CPU s | typify CPU s | CPU ratio | toolgen MB | typify MB | memory ratio | toolgen lines | typify lines | typify failed tools |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut growth = Vec::new();
    for (label, dir) in cases {
        let ours = run_child("toolgen", dir, timeout);
        let theirs = if no_typify {
            None
        } else {
            run_child("typify", dir, timeout)
        };
        let skipped = theirs.is_none() && no_typify;
        let show = |f: Option<Figures>, pick: fn(&Figures) -> String| {
            f.as_ref().map(pick).unwrap_or_else(|| "failed".to_string())
        };
        let show_theirs = |pick: fn(&Figures) -> String| {
            if skipped {
                "-".to_string()
            } else {
                show(theirs, pick)
            }
        };
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
            _ => "-".to_string(),
        };
        println!(
            "| {label} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            show(ours.or(theirs), |f| f.tools.to_string()),
            show(ours, |f| format!("{:.2}", f.seconds)),
            show_theirs(|f| format!("{:.2}", f.seconds)),
            ratio(ours.map(|f| f.seconds), theirs.map(|f| f.seconds)),
            show(ours, |f| format!("{:.2}", f.cpu_seconds)),
            show_theirs(|f| format!("{:.2}", f.cpu_seconds)),
            ratio(ours.map(|f| f.cpu_seconds), theirs.map(|f| f.cpu_seconds)),
            show(ours, |f| format!("{:.0}", f.peak_mb)),
            show_theirs(|f| format!("{:.0}", f.peak_mb)),
            ratio(ours.map(|f| f.peak_mb), theirs.map(|f| f.peak_mb)),
            show(ours, |f| f.lines.to_string()),
            show_theirs(|f| f.lines.to_string()),
            show_theirs(|f| f.failures.to_string()),
        );
        if label.starts_with("synthetic") {
            growth.push((label.clone(), ours, theirs));
        }
    }

    println!();
    println!(
        "typify lines 0: its `to_stream` panicked on the TypeSpace (after the failed tools). \
         Failed tools: typify returned an error or panicked on their schemas, so it did less work."
    );
    let Some((_, base_ours, base_theirs)) = growth.first().cloned() else {
        return;
    };
    println!();
    println!("Growth against the smallest synthetic set (per tool; 1.00 = linear):");
    println!(
        "| case | toolgen CPU ms/tool | typify CPU ms/tool | toolgen CPU/tool vs smallest | typify CPU/tool vs smallest | toolgen wall/tool vs smallest | typify wall/tool vs smallest | toolgen KB/tool | typify KB/tool |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let cpu = |f: &Figures| f.cpu_seconds;
    let wall = |f: &Figures| f.seconds;
    let cell = |f: &Option<Figures>, base: &Option<Figures>, pick: Pick, vs: bool| {
        growth_cell(f.as_ref(), base.as_ref(), pick, vs)
    };
    let kb = |f: &Option<Figures>| {
        f.map(|f| format!("{:.0}", f.peak_mb * 1024.0 / f.tools.max(1) as f64))
            .unwrap_or_else(|| "-".into())
    };
    for (label, ours, theirs) in &growth {
        println!(
            "| {label} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(ours, &base_ours, cpu, false),
            cell(theirs, &base_theirs, cpu, false),
            cell(ours, &base_ours, cpu, true),
            cell(theirs, &base_theirs, cpu, true),
            cell(ours, &base_ours, wall, true),
            cell(theirs, &base_theirs, wall, true),
            kb(ours),
            kb(theirs),
        );
    }
}

/// Picks one figure of a child.
type Pick = fn(&Figures) -> f64;

/// Milliseconds per tool (`vs` false), or that against the smallest set's (`vs` true).
fn growth_cell(f: Option<&Figures>, base: Option<&Figures>, pick: Pick, vs: bool) -> String {
    let per = |f: &Figures| pick(f) * 1000.0 / f.tools.max(1) as f64;
    match (f, base) {
        (Some(f), Some(base)) if vs => format!("{:.2}", per(f) / per(base)),
        (Some(f), _) if !vs => format!("{:.2}", per(f)),
        _ => "-".to_string(),
    }
}

/// Compile cost: toolgen's crate and typify's output for the same tools, each built as a debug
/// build of that crate alone (dependencies built beforehand in a shared target folder).
fn compile_cost(cases: &[(String, PathBuf)], scratch: &Path) {
    let work = scratch.join("compile");
    let target = work.join("target");
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    println!(
        "| case | tools | toolgen build s | typify build s | time ratio | toolgen rustc MB | typify rustc MB | memory ratio | toolgen lines | of which runtime | typify lines |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (index, (label, dir)) in cases.iter().enumerate() {
        let ours = work.join(format!("case{index}-toolgen"));
        let theirs = work.join(format!("case{index}-typify"));
        let tools = count_tools(dir);
        if let Err(err) = toolgen::Generator::new(dir)
            .crate_name(format!("bench-toolgen-{index}"))
            .write_to(&ours)
        {
            eprintln!("{label}: toolgen failed: {err}");
            continue;
        }
        let (_, _, source) = typify_source(dir);
        let typify_lines = source.lines().count();
        fs::create_dir_all(theirs.join("src")).expect("create the typify crate");
        fs::write(theirs.join("src/lib.rs"), source).expect("write the typify crate");
        fs::write(theirs.join("Cargo.toml"), typify_manifest(index)).expect("write Cargo.toml");
        for krate in [&ours, &theirs] {
            let _ = fs::copy(&lock, krate.join("Cargo.lock"));
        }
        let ours_figures = build_alone(&ours, &target);
        let theirs_figures = build_alone(&theirs, &target);
        let (runtime_lines, all_lines) = rust_lines(&ours.join("src"));
        let show = |f: Option<(f64, f64)>, pick: fn((f64, f64)) -> f64, digits: usize| {
            f.map(|f| format!("{:.*}", digits, pick(f)))
                .unwrap_or_else(|| "failed".to_string())
        };
        let ratio = |pick: fn((f64, f64)) -> f64| match (ours_figures, theirs_figures) {
            (Some(a), Some(b)) if pick(b) > 0.0 => format!("{:.2}", pick(a) / pick(b)),
            _ => "-".to_string(),
        };
        println!(
            "| {label} | {tools} | {} | {} | {} | {} | {} | {} | {all_lines} | {runtime_lines} | {typify_lines} |",
            show(ours_figures, |f| f.0, 1),
            show(theirs_figures, |f| f.0, 1),
            ratio(|f| f.0),
            show(ours_figures, |f| f.1, 0),
            show(theirs_figures, |f| f.1, 0),
            ratio(|f| f.1),
        );
    }
    println!();
    println!(
        "Build: `cargo build` (debug, CARGO_INCREMENTAL=0) of the crate alone after its \
         dependencies were built in the shared target folder {}; time is wall time, memory the \
         peak RSS of the largest process (rustc) from /usr/bin/time.",
        target.display()
    );
}

/// The `Cargo.toml` of the crate holding typify's output: the crates its code names.
fn typify_manifest(index: usize) -> String {
    format!(
        "[package]\nname = \"bench-typify-{index}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         publish = false\n\n[dependencies]\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n\
         regress = \"0.10\"\n\
         chrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\n\
         uuid = {{ version = \"1\", features = [\"serde\"] }}\n"
    )
}

/// Builds `krate`'s dependencies (with an empty `src/lib.rs` in its place), then the crate itself,
/// and returns that second build's (wall seconds, peak MB).
fn build_alone(krate: &Path, target: &Path) -> Option<(f64, f64)> {
    let cargo = |timed: bool| {
        let mut command = if timed {
            let mut c = Command::new("/usr/bin/time");
            c.args(["-f", "TIMED %e %M", "cargo"]);
            c
        } else {
            Command::new("cargo")
        };
        command
            .args(["build", "--offline", "--quiet"])
            .current_dir(krate)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0")
            .env_remove("RUSTFLAGS")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
    };
    let lib = krate.join("src/lib.rs");
    let text = fs::read(&lib).ok()?;
    fs::write(&lib, "").ok()?;
    let first = cargo(false).ok()?;
    if !first.status.success() {
        eprintln!(
            "{}: building the dependencies failed:\n{}",
            krate.display(),
            String::from_utf8_lossy(&first.stderr)
        );
        return None;
    }
    // A newer mtime than the empty build's makes cargo rebuild this crate and nothing else.
    std::thread::sleep(Duration::from_millis(1100));
    fs::write(&lib, text).ok()?;
    let second = cargo(true).ok()?;
    let stderr = String::from_utf8_lossy(&second.stderr);
    if !second.status.success() {
        eprintln!("{}: build failed:\n{stderr}", krate.display());
        return None;
    }
    let line = stderr.lines().find(|l| l.starts_with("TIMED "))?;
    let mut fields = line.split_whitespace().skip(1);
    let seconds: f64 = fields.next()?.parse().ok()?;
    let kb: f64 = fields.next()?.parse().ok()?;
    Some((seconds, kb / 1024.0))
}

/// (lines under `src/runtime`, all lines) of the `.rs` files below `dir`.
fn rust_lines(dir: &Path) -> (usize, usize) {
    let mut files = Vec::new();
    files_with(dir, "rs", &mut files);
    let mut runtime = 0;
    let mut all = 0;
    for file in files {
        let lines = fs::read_to_string(&file).map_or(0, |t| t.lines().count());
        all += lines;
        if file.components().any(|c| c.as_os_str() == "runtime") {
            runtime += lines;
        }
    }
    (runtime, all)
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// Runs one case in a child process and reads its `RESULT` line; `None` when it failed.
fn run_child(which: &str, dir: &Path, timeout: Duration) -> Option<Figures> {
    let exe = std::env::current_exe().expect("the bench binary");
    let mut child = Command::new(exe)
        .args(["--child", which])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start a child");
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                eprintln!("{which} on {}: timed out", dir.display());
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(_) => return None,
        }
    }
    let output = child.wait_with_output().ok()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find(|l| l.starts_with("RESULT "))?;
    let mut fields = line.split_whitespace().skip(1);
    let mut next = || fields.next().unwrap_or("0");
    Some(Figures {
        seconds: next().parse().ok()?,
        cpu_seconds: next().parse().ok()?,
        peak_mb: next().parse().ok()?,
        tools: next().parse().ok()?,
        lines: next().parse().ok()?,
        failures: next().parse().ok()?,
    })
}

/// The child: runs one generator on one folder and prints
/// `RESULT seconds cpu_seconds peak_mb tools lines failures`.
fn child(which: &str, dir: &Path) {
    let started = Instant::now();
    let (tools, lines, failures) = match which {
        "toolgen" => match toolgen::Generator::new(dir).run() {
            Ok(output) => {
                let lines = output.files.values().map(|text| text.lines().count()).sum();
                let tools = count_tools(dir);
                (tools, lines, 0)
            }
            Err(err) => {
                eprintln!("{err}");
                std::process::exit(1);
            }
        },
        _ => typify_run(dir),
    };
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "RESULT {seconds:.3} {:.3} {:.1} {tools} {lines} {failures}",
        cpu_seconds(),
        peak_rss_kb() as f64 / 1024.0
    );
}

/// The peak resident set size of this process, from `/proc/self/status` (Linux).
fn peak_rss_kb() -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")
                    .and_then(|rest| rest.split_whitespace().next())
                    .and_then(|kb| kb.parse().ok())
            })
        })
        .unwrap_or(0)
}

/// The user + system CPU time of this process so far, from `/proc/self/stat` (Linux; clock
/// ticks of 1/100 s, the kernel's `USER_HZ` on every mainstream architecture).
fn cpu_seconds() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command name, which is in parentheses and may contain spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line: 11 and 12 counting from 0 after the name.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) as f64 / 100.0
}

/// Every `*.json` file below `dir`, sorted.
fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    files_with(dir, "json", out);
}

/// Every file with extension `ext` below `dir`, sorted.
fn files_with(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            files_with(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The tool objects in every file below `dir` (one tool, or a `tools/list` result).
fn read_tools(dir: &Path) -> Vec<Value> {
    let mut files = Vec::new();
    json_files(dir, &mut files);
    let mut tools = Vec::new();
    for file in files {
        let Ok(bytes) = fs::read(&file) else { continue };
        let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        match value.get("tools") {
            Some(Value::Array(list)) if value.get("name").is_none() => tools.extend(list.clone()),
            _ => tools.push(value),
        }
    }
    tools
}

fn count_tools(dir: &Path) -> usize {
    read_tools(dir).len()
}

/// typify on the same tools, all in one `TypeSpace`; returns (tools, lines, tools it failed on).
fn typify_run(dir: &Path) -> (usize, usize, usize) {
    let (tools, failures, source) = typify_source(dir);
    (tools, source.lines().count(), failures)
}

/// typify's formatted output for the tools below `dir` (empty when `to_stream` panicked), with
/// the number of tools and of tools it failed on.
fn typify_source(dir: &Path) -> (usize, usize, String) {
    // typify panics on some schemas; those count as failures, quietly.
    panic::set_hook(Box::new(|_| {}));
    let tools = read_tools(dir);
    let mut settings = typify::TypeSpaceSettings::default();
    settings.with_struct_builder(true);
    let mut space = typify::TypeSpace::new(&settings);
    let mut failures = 0;
    for (index, tool) in tools.iter().enumerate() {
        let name = tool.get("name").and_then(Value::as_str).unwrap_or("tool");
        let mut failed = false;
        for (key, suffix) in [("inputSchema", "params"), ("outputSchema", "output")] {
            let Some(schema) = tool.get(key) else {
                continue;
            };
            let Ok(schema) = serde_json::from_value::<schemars::schema::Schema>(schema.clone())
            else {
                failed = true;
                continue;
            };
            let hint = format!("{name}_{index}_{suffix}");
            let added = panic::catch_unwind(AssertUnwindSafe(|| {
                space.add_type_with_name(&schema, Some(hint))
            }));
            if !matches!(added, Ok(Ok(_))) {
                failed = true;
            }
        }
        failures += usize::from(failed);
    }
    let source = panic::catch_unwind(AssertUnwindSafe(|| {
        let stream = space.to_stream();
        syn::parse2::<syn::File>(stream)
            .map(|file| prettyplease::unparse(&file))
            .unwrap_or_default()
    }))
    .unwrap_or_default();
    (tools.len(), failures, source)
}
