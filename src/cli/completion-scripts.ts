// The scripts `aad completion SHELL` prints. Each is small and knows no command, flag or id: on every Tab it
// asks aad (`aad __complete SHELL WORD…`, cli/complete.ts), which answers a kind on its first line (`words`,
// `files`, `dirs`: whether the shell adds its own file or folder names) and then one candidate a line
// (`word<TAB>description` for zsh and fish). It calls aad as the word the user typed (`${COMP_WORDS[0]}`),
// so the aad being completed is the one that answers.
import { unreachable } from '../errors.js';

/** The shells `aad completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
/** One of SHELLS. */
export type Shell = (typeof SHELLS)[number];

const BASH = `# bash completion for aad: commands, flags, run ids and task ids.
# Install: aad completion bash > ~/.local/share/bash-completion/completions/aad
#      or: echo 'source <(aad completion bash)' >> ~/.bashrc
# Each Tab asks aad itself (aad __complete), so the words follow the plan and the runs as they change.
_aad() {
    local cur=\${COMP_WORDS[COMP_CWORD]} kind line IFS=$'\\n'
    COMPREPLY=()
    # After --flag= bash completes only the value, and the current word is '=' while it is empty.
    [[ $cur == = ]] && cur=
    {
        IFS= read -r kind || return 0
        while IFS= read -r line; do COMPREPLY+=("\${line%%$'\\t'*}"); done
    } < <("\${COMP_WORDS[0]}" __complete bash "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
    case $kind in
        files) compopt -o filenames 2>/dev/null
            while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -f -- "$cur") ;;
        dirs) compopt -o filenames 2>/dev/null
            while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -d -- "$cur") ;;
    esac
    # A list being typed (--only a,b,) goes on without a space.
    [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == *, ]] && compopt -o nospace 2>/dev/null
    return 0
}
complete -F _aad aad
`;

const ZSH = `#compdef aad
# zsh completion for aad: commands, flags, run ids and task ids.
# Install: aad completion zsh > "\${fpath[1]}/_aad"   (a folder of $fpath you can write; then restart zsh)
#      or: echo 'source <(aad completion zsh)' >> ~/.zshrc   (after compinit)
# Each Tab asks aad itself (aad __complete), so the words follow the plan and the runs as they change.
_aad() {
    local -a out cands descs
    local kind line ret=1
    out=("\${(@f)$("\${words[1]}" __complete zsh "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
    kind=\${out[1]}
    for line in "\${(@)out[2,-1]}"; do
        [[ -n $line ]] || continue
        cands+=("\${line%%$'\\t'*}")
        if [[ $line == *$'\\t'* ]]; then descs+=("\${line%%$'\\t'*}  -- \${line#*$'\\t'}"); else descs+=("$line"); fi
    done
    (( \${#cands} )) && compadd -l -d descs -a cands && ret=0
    case $kind in
        files) [[ $PREFIX == -*=* ]] && compset -P '*='; _files && ret=0 ;;
        dirs) [[ $PREFIX == -*=* ]] && compset -P '*='; _files -/ && ret=0 ;;
    esac
    return ret
}
if [[ $funcstack[1] == _aad ]]; then _aad "$@"; else compdef _aad aad; fi
`;

const FISH = `# fish completion for aad: commands, flags, run ids and task ids.
# Install: aad completion fish > ~/.config/fish/completions/aad.fish
# Each Tab asks aad itself (aad __complete), so the words follow the plan and the runs as they change.
function __aad_complete
    set -l words (commandline -opc)
    set -l aad $words[1]
    set -e words[1]
    set -l cur (commandline -ct)
    set -l out ($aad __complete fish $words "$cur" 2>/dev/null)
    set -l kind $out[1]
    set -e out[1]
    test (count $out) -gt 0; and printf '%s\\n' $out
    # After --flag= the file names follow the =.
    set -l pre ''
    if string match -qr -- '^--[^=]+=' "$cur"
        set pre (string replace -r -- '=.*' '=' "$cur")
        set cur (string replace -r -- '^[^=]*=' '' "$cur")
    end
    switch "$kind"
        case files
            for f in (__fish_complete_path "$cur")
                echo "$pre$f"
            end
        case dirs
            for f in (__fish_complete_directories "$cur")
                echo "$pre$f"
            end
    end
end
complete -c aad -f -a '(__aad_complete)'
`;

/** The completion script for `shell`. */
export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return BASH;
    case 'zsh':
      return ZSH;
    case 'fish':
      return FISH;
    default:
      return unreachable(shell);
  }
}
