//! `credits completions SHELL` and `credits man`: text generated from the clap tree, so
//! they can never disagree with `--help`. Completion of `--profile` reads the profile cache
//! (no sign-in, no request) through the hidden `credits __complete-profiles`.

use crate::cache::ProfileCache;
use crate::cli::{Cli, CompletionsArgs};
use crate::context::Context;
use crate::error::{Result, EXIT_CODES};
use crate::output::Printer;
use crate::resolve::folded;
use clap::CommandFactory;
use clap_complete::Shell;
use roff::{bold, italic, roman, Roff};

pub(crate) fn completions(printer: &Printer, args: &CompletionsArgs) -> Result<()> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "credits", &mut script);
    let mut script = without_internal_commands(&String::from_utf8_lossy(&script));
    if args.shell == Shell::Zsh {
        // The candidates of --profile come from the cache; the function goes first, so it
        // exists when the script is autoloaded and runs at once.
        script = script.replace(":PROFILE:_default", ":PROFILE:_credits_profiles");
        let body = match script.split_once('\n') {
            Some((first, rest)) => format!("{first}\n{}{rest}", profile_completion(Shell::Zsh)),
            None => script,
        };
        return printer.text(&body);
    }
    script.push_str(profile_completion(args.shell));
    printer.text(&script)
}

/// The script without `__complete-profiles` among the commands it offers (clap's generators
/// list hidden commands too): removed from bash's word lists, and the lines that offer it as
/// a candidate dropped in zsh, fish, PowerShell and elvish.
fn without_internal_commands(script: &str) -> String {
    const INTERNAL: &str = "__complete-profiles";
    let mut out = String::with_capacity(script.len());
    for line in script.lines() {
        let offers_it = line.contains(&format!("'{INTERNAL}:"))
            || line.contains(&format!("-a \"{INTERNAL}\""))
            || line.contains(&format!("::new('{INTERNAL}'"))
            || line.contains(&format!("cand {INTERNAL} "));
        if offers_it {
            continue;
        }
        if line.trim_start().starts_with("opts=\"") {
            out.push_str(&line.replace(&format!(" {INTERNAL}"), ""));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// What each shell adds so that `--profile` offers the cached profile names.
fn profile_completion(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => {
            r#"
# --profile / -p: the billing profiles in the profile cache (no sign-in, no request), or the
# demo tenant's after --demo; matched by credits without regard to case or accents.
_credits_profiles() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    if [[ "$prev" == "--profile" || "$prev" == "-p" ]]; then
        local name demo=() typed
        [[ " ${COMP_WORDS[*]} " == *" --demo "* ]] && demo=(--demo)
        # The word as typed, without the shell's quoting: backslashes and an opening quote.
        typed=${cur//\\/}
        typed=${typed#\"}
        typed=${typed#\'}
        COMPREPLY=()
        # Read line by line: a name is never split or expanded as a file pattern.
        while IFS= read -r name; do
            COMPREPLY+=("$(printf '%q' "$name")")
        done < <(credits "${demo[@]}" __complete-profiles -- "$typed" 2>/dev/null)
        return 0
    fi
    _credits "$@"
}
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _credits_profiles -o nosort -o bashdefault -o default credits
else
    complete -F _credits_profiles -o bashdefault -o default credits
fi
"#
        }
        Shell::Fish => {
            r#"
# --profile / -p: the billing profiles in the profile cache (no sign-in, no request), or the
# demo tenant's after --demo.
function __credits_profiles
    set -l demo
    contains -- --demo (commandline -opc); and set demo --demo
    credits $demo __complete-profiles -- (commandline -ct | string unescape) 2>/dev/null
end
complete -c credits -n '__fish_seen_subcommand_from balance lots events forecast report invoices verify' -s p -l profile -f -a '(__credits_profiles)'
"#
        }
        Shell::Zsh => {
            r#"
# --profile / -p: the billing profiles in the profile cache (no sign-in, no request), or the
# demo tenant's after --demo; matched by credits without regard to case or accents (-U).
_credits_profiles() {
    local -a names demo
    (( ${words[(I)--demo]} )) && demo=(--demo)
    names=(${(f)"$(credits $demo __complete-profiles -- "${(Q)PREFIX}" 2>/dev/null)"})
    (( $#names )) && compadd -U -a names
}
"#
        }
        _ => "",
    }
}

/// `__complete-profiles [PREFIX]`: the cached profile names (with `--demo`, the demo
/// tenant's) that start like PREFIX, or have a word that does, without regard to case or
/// accents (`zur` offers "Forschung Zürich"), one a line.
pub(crate) async fn complete_profiles(context: &Context, prefix: &str) -> Result<()> {
    let names = if context.settings.demo {
        ProfileCache::names_of(crate::resolve::fresh_accounts(context).await?)
    } else {
        match &context.settings.cache_dir {
            Some(dir) => ProfileCache::profile_names(&dir.value),
            None => Vec::new(),
        }
    };
    let wanted = folded(prefix);
    let mut text = String::new();
    for name in names {
        let name_folded = folded(&name);
        let fits = name_folded.starts_with(&wanted)
            || name_folded.split(' ').any(|word| word.starts_with(&wanted));
        if fits {
            text.push_str(&name);
            text.push('\n');
        }
    }
    context.printer.text(&text)
}

/// The `credits(1)` page: NAME, SYNOPSIS, DESCRIPTION, global OPTIONS, each COMMAND with
/// its options and examples, ENVIRONMENT, FILES, EXIT STATUS.
pub(crate) fn man(printer: &Printer) -> Result<()> {
    let command = Cli::command();
    let man = clap_mangen::Man::new(command.clone())
        .title("CREDITS")
        .date(env!("CREDITS_BUILD_DATE"));
    let mut page = Vec::new();
    let rendered = man
        .render_title(&mut page)
        .and_then(|()| man.render_name_section(&mut page))
        .and_then(|()| man.render_synopsis_section(&mut page))
        .and_then(|()| man.render_description_section(&mut page))
        .and_then(|()| man.render_options_section(&mut page));
    if rendered.is_err() {
        return Err(crate::error::Error::unavailable(
            "could not write the manual page",
        ));
    }
    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    for sub in command.get_subcommands().filter(|c| !c.is_hide_set()) {
        let name = format!("credits {}", sub.get_name());
        roff.control("SS", [name.as_str()]);
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            roff.text([roman(about.to_string())]);
        }
        for sub2 in sub.get_subcommands() {
            roff.control("TP", []);
            roff.text([bold(format!("{name} {}", sub2.get_name()))]);
            if let Some(about) = sub2.get_about() {
                roff.text([roman(about.to_string())]);
            }
        }
        for arg in sub
            .get_arguments()
            .filter(|a| !a.is_global_set() && !a.is_hide_set())
        {
            if arg.get_id() == "help" || arg.get_id() == "version" {
                continue;
            }
            let mut head = Vec::new();
            if let Some(short) = arg.get_short() {
                head.push(bold(format!("-{short}")));
                head.push(roman(", "));
            }
            match arg.get_long() {
                Some(long) => head.push(bold(format!("--{long}"))),
                None => head.push(italic(arg.get_id().as_str().to_uppercase())),
            }
            if arg.get_long().is_some() && arg.get_action().takes_values() {
                let value = arg
                    .get_value_names()
                    .and_then(|v| v.first())
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "VALUE".into());
                head.push(roman(" "));
                head.push(italic(value));
            }
            roff.control("TP", []);
            roff.text(head);
            if let Some(help) = arg.get_long_help().or(arg.get_help()) {
                roff.text([roman(help.to_string())]);
            }
        }
        if let Some(after) = sub.get_after_help() {
            roff.control("PP", []);
            roff.control("nf", []);
            for line in after.to_string().lines() {
                roff.text([roman(line.to_string())]);
            }
            roff.control("fi", []);
        }
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, meaning) in crate::cli::MAN_ENVIRONMENT {
        roff.control("TP", []);
        roff.text([bold(*name)]);
        roff.text([roman(*meaning)]);
    }
    roff.control("SH", ["FILES"]);
    for (name, meaning) in crate::cli::MAN_FILES {
        roff.control("TP", []);
        roff.text([italic(*name)]);
        roff.text([roman(*meaning)]);
    }
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_CODES {
        roff.control("TP", []);
        roff.text([bold(code.to_string())]);
        roff.text([roman(format!(
            "{}{}",
            meaning[..1].to_uppercase(),
            &meaning[1..]
        ))]);
    }
    roff.control("SH", ["VERSION"]);
    roff.text([roman(crate::cli::LONG_VERSION.replace('\n', "; "))]);
    let mut text = String::from_utf8_lossy(&page).into_owned();
    text.push_str(&roff.to_roff());
    // clap_mangen spaces its lists with ".br", a blank line, ".br": one ".sp" says it.
    let text = text.replace("\n.br\n\n.br\n", "\n.sp\n");
    printer.text(&tidy_roff(&text))
}

/// Source lines as man(1) tools like them: no trailing spaces, and text lines of at most 80
/// bytes (in fill mode a line break is a space, so long lines are split at spaces; a piece
/// that would start with `.` or `'` is guarded with `\&`). No-fill blocks stay as written.
fn tidy_roff(page: &str) -> String {
    let mut out = String::with_capacity(page.len() + 256);
    let mut fill = true;
    for line in page.lines().map(str::trim_end) {
        if line.starts_with(".nf") {
            fill = false;
        } else if line.starts_with(".fi") {
            fill = true;
        }
        let is_text = !line.starts_with('.') && !line.starts_with('\'');
        if !fill || !is_text || line.len() <= 80 {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.len() + 1 + word.len() > 80 {
                out.push_str(&current);
                out.push('\n');
                current.clear();
            }
            if current.is_empty() && (word.starts_with('.') || word.starts_with('\'')) {
                current.push_str("\\&");
            } else if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push_str(&current);
        out.push('\n');
    }
    out
}
