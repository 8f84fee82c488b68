#!/usr/bin/env bash
# The `credits` GitHub Action's step (see action.yml): runs one command with its checks as
# inputs, writes its Markdown to the job summary, sets outputs, and fails the step with the
# tool's exit code. Inputs come as INPUT_* variables (never spliced into the script), so a
# value cannot run as shell.
#
# Inputs: INPUT_COMMAND (balance, forecast, report, verify, invoices, lots), INPUT_PROFILE or
# INPUT_ALL=true, INPUT_MIN, INPUT_EXPIRING_WITHIN, INPUT_MIN_DAYS, INPUT_MAX_UNUSED (each
# passed only to the commands that take it; several amounts separated by spaces),
# INPUT_TOKEN (else the Azure CLI sign-in azure/login left), INPUT_DEMO=true (the built-in
# demo tenant, no Azure). CREDITS_BIN: the binary (default: `credits` on PATH).
# Outputs (GITHUB_OUTPUT): exit-code; for one profile, estimated-balance, currency and
# runway-days (empty when unknown).
set -uo pipefail

credits=${CREDITS_BIN:-credits}
summary_limit=$((1024 * 1024))

fail() {
  # Workflow commands take their data escaped.
  local message=${1//%/%25}
  message=${message//$'\r'/%0D}
  message=${message//$'\n'/%0A}
  echo "::error title=credits action::$message" >&2
  echo "exit-code=2" >>"${GITHUB_OUTPUT:-/dev/null}"
  exit 2
}

command=${INPUT_COMMAND:-report}
case "$command" in
  balance | forecast | report | verify | invoices | lots) ;;
  *) fail "command '$command' is not one of balance, forecast, report, verify, invoices, lots" ;;
esac

global=()
if [ "${INPUT_DEMO:-false}" = true ]; then
  global+=(--demo)
elif [ -n "${INPUT_TOKEN:-}" ]; then
  echo "::add-mask::${INPUT_TOKEN}"
  export CREDITS_ACCESS_TOKEN="$INPUT_TOKEN"
  global+=(--auth token)
elif [ -z "${CREDITS_AUTH:-}" ]; then
  # What azure/login left behind (OIDC or a secret): the Azure CLI's sign-in, unless the
  # workflow chose a method itself (CREDITS_AUTH, which credits reads).
  global+=(--auth cli)
fi

scope=()
if [ "${INPUT_ALL:-false}" = true ]; then
  [ -n "${INPUT_PROFILE:-}" ] && fail "give the profile input or all: true, not both"
  scope+=(--all)
elif [ -n "${INPUT_PROFILE:-}" ]; then
  scope+=(--profile "$INPUT_PROFILE")
else
  fail "give the profile input (a billing profile's display name, name or id) or all: true"
fi

checks=()
# takes INPUT VALUE FLAG COMMAND...: the input's values to FLAG when the command takes it; an
# input the command cannot take is an error, never silently dropped.
takes() {
  local name=$1 value=$2 flag=$3
  shift 3
  [ -z "$value" ] && return 0
  local c
  for c in "$@"; do
    if [ "$c" = "$command" ]; then
      # Several amounts are separated by spaces; nothing in them is a pattern.
      local one values
      read -r -a values <<<"$value"
      for one in "${values[@]}"; do
        checks+=("$flag" "$one")
      done
      return 0
    fi
  done
  fail "input '$name' does not apply to '$command' (it is for: $*)"
}
takes min "${INPUT_MIN:-}" --min balance forecast report
takes expiring-within "${INPUT_EXPIRING_WITHIN:-}" --expiring-within balance lots report
takes min-days "${INPUT_MIN_DAYS:-}" --min-days forecast report
takes max-unused "${INPUT_MAX_UNUSED:-}" --max-unused forecast report

page=$(mktemp)
trap 'rm -f "$page"' EXIT
# `${a[@]+"${a[@]}"}`: an empty array under `set -u` in macOS's bash 3.2.
"$credits" ${global[@]+"${global[@]}"} --no-progress "$command" "${scope[@]}" \
  ${checks[@]+"${checks[@]}"} -o markdown >"$page"
code=$?
cat "$page"

# The job summary: the page, or (GitHub refuses a summary over 1 MiB) its whole lines that
# fit with a note after them.
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  size=$(($(wc -c <"$page")))
  if [ "$size" -gt "$summary_limit" ]; then
    note=$(printf '\n\n_The page is %s bytes; the summary shows its first lines. The whole page is in the step log._\n' "$size")
    room=$((summary_limit - ${#note} - 1))
    # The last line cut through is dropped: the cut falls between lines (and characters).
    head -c "$room" "$page" | sed '$d' >>"$GITHUB_STEP_SUMMARY"
    printf '%s\n' "$note" >>"$GITHUB_STEP_SUMMARY"
  else
    cat "$page" >>"$GITHUB_STEP_SUMMARY"
  fi
fi

# Outputs: the exit code, and for one profile its balance and runway (a second read, checks
# left out, so it says nothing about the verdict).
{
  echo "exit-code=$code"
  if [ "${#scope[@]}" -eq 2 ] && [ "$code" -le 1 ] && command -v jq >/dev/null 2>&1; then
    facts=$("$credits" ${global[@]+"${global[@]}"} --no-progress forecast "${scope[@]}" --json 2>/dev/null) || {
      echo "::warning title=credits action::the balance and runway outputs could not be read" >&2
      facts='{}'
    }
    echo "estimated-balance=$(jq -r '.estimatedBalance.value // empty' <<<"$facts")"
    echo "currency=$(jq -r '.currency // empty' <<<"$facts")"
    echo "runway-days=$(jq -r '.runwayDays // empty' <<<"$facts")"
  fi
} >>"${GITHUB_OUTPUT:-/dev/null}"

exit "$code"
