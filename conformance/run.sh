#!/bin/sh
# Runs every client scenario of the official MCP conformance suite (pinned in package.json, with
# Node 22 from the `node` package) against examples/conformance_client.rs. Scenarios listed in
# expected-failures.yml may fail; any other failure, or an expected failure that now passes,
# fails the run.
#
#   conformance/run.sh                 # the whole suite
#   conformance/run.sh --scenario initialize   # extra arguments go to the suite
#
# Needs npm (any version) to install the pinned packages; set CONFORMANCE_SKIP_INSTALL=1 to reuse
# an existing node_modules.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$here"
if [ "${CONFORMANCE_SKIP_INSTALL:-}" != 1 ] || [ ! -d node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
cargo build --quiet --manifest-path "$root/Cargo.toml" --example conformance_client
target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
    node_modules/node/bin/node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
client="$target/debug/examples/conformance_client"
PATH="$here/node_modules/node/bin:$PATH"
export PATH
if [ $# -eq 0 ]; then
    set -- --suite all
fi
exec node node_modules/@modelcontextprotocol/conformance/dist/index.js client \
    --command "$client" \
    --expected-failures "$here/expected-failures.yml" \
    --output-dir "$here/results" \
    "$@"
