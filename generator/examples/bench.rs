//! Generation throughput against typify, on the shared corpus and on synthetic tool sets.
//!
//! ```sh
//! cargo run --release -p toolgen --example bench                  # corpus, 100, 1000, 10000 tools
//! cargo run --release -p toolgen --example bench -- --sizes 100,1000 --no-corpus
//! ```
//!
//! Every case runs in a child process of this binary, once with toolgen (`Generator::run`: load,
//! model, emit, render, no write) and once with typify 0.8 (read the same files, put every tool's
//! input and output schema into one `TypeSpace`, `to_stream`, format with prettyplease), so that
//! each figure has its own peak memory (the child's `VmHWM`). The table gives wall time, peak
//! memory and output lines, the ratios toolgen/typify, and how time and memory grow with the tool
//! count. The synthetic sets come from `toolgen::synth`; the corpus is `../shared/corpora/tools`,
//! read in place and skipped with a message when it is not there.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One child's figures.
#[derive(Debug, Clone, Copy, Default)]
struct Figures {
    seconds: f64,
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
    let sizes: Vec<usize> = flag(&args, "--sizes")
        .unwrap_or("100,1000,10000")
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let timeout = Duration::from_secs(
        flag(&args, "--timeout")
            .and_then(|s| s.parse().ok())
            .unwrap_or(900),
    );

    let scratch = std::env::temp_dir().join(format!("toolgen-bench-{}", std::process::id()));
    let mut cases: Vec<(String, PathBuf)> = Vec::new();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora/tools");
    if !args.iter().any(|a| a == "--no-corpus") {
        if corpus.is_dir() {
            cases.push(("shared corpus".to_string(), corpus));
        } else {
            println!("skipped: {} is not there", corpus.display());
        }
    }
    for &size in &sizes {
        let dir = scratch.join(format!("synth-{size}"));
        let provider = dir.join("synth");
        fs::create_dir_all(&provider).expect("create the scratch folder");
        for (name, text) in toolgen::synth::files(size, 42) {
            fs::write(provider.join(name), text).expect("write a synthetic tool");
        }
        cases.push((format!("synthetic {size}"), dir));
    }

    println!(
        "| case | tools | toolgen s | typify s | time ratio | toolgen MB | typify MB | memory ratio | toolgen lines | typify lines | typify failed tools |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut growth = Vec::new();
    for (label, dir) in &cases {
        let ours = run_child("toolgen", dir, timeout);
        let theirs = run_child("typify", dir, timeout);
        let show = |f: Option<Figures>, pick: fn(&Figures) -> String| {
            f.as_ref().map(pick).unwrap_or_else(|| "failed".to_string())
        };
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
            _ => "-".to_string(),
        };
        println!(
            "| {label} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            show(ours.or(theirs), |f| f.tools.to_string()),
            show(ours, |f| format!("{:.2}", f.seconds)),
            show(theirs, |f| format!("{:.2}", f.seconds)),
            ratio(ours.map(|f| f.seconds), theirs.map(|f| f.seconds)),
            show(ours, |f| format!("{:.0}", f.peak_mb)),
            show(theirs, |f| format!("{:.0}", f.peak_mb)),
            ratio(ours.map(|f| f.peak_mb), theirs.map(|f| f.peak_mb)),
            show(ours, |f| f.lines.to_string()),
            show(theirs, |f| f.lines.to_string()),
            show(theirs, |f| f.failures.to_string()),
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
    if let Some((_, Some(base_ours), Some(base_theirs))) = growth.first().cloned() {
        println!();
        println!(
            "Growth against the smallest synthetic set (per tool: 1.00 = linear; time and memory per tool):"
        );
        println!(
            "| case | toolgen ms/tool | typify ms/tool | toolgen time/tool vs smallest | typify time/tool vs smallest | toolgen MB | typify MB |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|");
        let per = |f: &Figures| f.seconds * 1000.0 / f.tools.max(1) as f64;
        for (label, ours, theirs) in &growth {
            let cell = |f: &Option<Figures>, base: &Figures| {
                f.as_ref()
                    .map(|f| {
                        (
                            format!("{:.2}", per(f)),
                            format!("{:.2}", per(f) / per(base)),
                        )
                    })
                    .unwrap_or_else(|| ("failed".into(), "-".into()))
            };
            let (ours_ms, ours_growth) = cell(ours, &base_ours);
            let (theirs_ms, theirs_growth) = cell(theirs, &base_theirs);
            let mb = |f: &Option<Figures>| {
                f.map(|f| format!("{:.0}", f.peak_mb))
                    .unwrap_or_else(|| "failed".into())
            };
            println!(
                "| {label} | {ours_ms} | {theirs_ms} | {ours_growth} | {theirs_growth} | {} | {} |",
                mb(ours),
                mb(theirs)
            );
        }
    }
    let _ = fs::remove_dir_all(&scratch);
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
        peak_mb: next().parse().ok()?,
        tools: next().parse().ok()?,
        lines: next().parse().ok()?,
        failures: next().parse().ok()?,
    })
}

/// The child: runs one generator on one folder and prints `RESULT seconds peak_mb tools lines failures`.
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
        "RESULT {seconds:.3} {:.1} {tools} {lines} {failures}",
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

/// Every `*.json` file below `dir`, sorted.
fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
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
    let lines = panic::catch_unwind(AssertUnwindSafe(|| {
        let stream = space.to_stream();
        syn::parse2::<syn::File>(stream)
            .map(|file| prettyplease::unparse(&file).lines().count())
            .unwrap_or(0)
    }))
    .unwrap_or(0);
    (tools.len(), lines, failures)
}
