/**
 * `clientflow completion bash|zsh`: a completion script made from the command table, so it always
 * offers the commands and options there are. Install: `source <(clientflow completion bash)` in
 * ~/.bashrc, or `clientflow completion zsh > "${fpath[1]}/_clientflow"`.
 */
import type { Command } from './commands.js';
import { UsageError } from './batches.js';

/**
 * What the scripts offer: the first words, the second words of two-word commands (keys create …)
 * by first word, and each command's --options.
 */
function table(commands: Record<string, Command>) {
  const names = Object.keys(commands);
  const words = [...new Set(names.map((n) => n.split(' ')[0]!)), 'help'];
  const seconds = new Map<string, string[]>();
  for (const [first, second] of names.filter((n) => n.includes(' ')).map((n) => n.split(' '))) {
    seconds.set(first!, [...(seconds.get(first!) ?? []), second!]);
  }
  const options = Object.entries(commands).map(([name, c]): [string, string] => [name, Object.keys(c.options ?? {}).map((o) => `--${o}`).join(' ')])
    .filter(([, o]) => o !== '');
  return { words, seconds: [...seconds], options };
}

function bash(commands: Record<string, Command>): string {
  const { words, seconds, options } = table(commands);
  return `# bash completion for clientflow (clientflow completion bash)
_clientflow() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd=\${COMP_WORDS[1]} opts=""
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${words.join(' ')}" -- "$cur")); return
  fi
  case "$cmd" in
${seconds.map(([w, s]) => `    ${w}) if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=($(compgen -W "${s.join(' ')}" -- "$cur")); return; fi; cmd="$cmd \${COMP_WORDS[2]}";;`).join('\n')}
  esac
  case "$cmd" in
${options.map(([n, o]) => `    "${n}") opts="${o}";;`).join('\n')}
    completion) COMPREPLY=($(compgen -W "bash zsh" -- "$cur")); return;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
}
complete -F _clientflow clientflow
`;
}

function zsh(commands: Record<string, Command>): string {
  const { words, seconds, options } = table(commands);
  return `#compdef clientflow
# zsh completion for clientflow (clientflow completion zsh)
_clientflow() {
  if (( CURRENT == 2 )); then compadd -- ${words.join(' ')}; return; fi
  local cmd=$words[2]
  if (( CURRENT == 3 )); then
    case $cmd in
${seconds.map(([w, s]) => `      ${w}) compadd -- ${s.join(' ')}; return;;`).join('\n')}
      completion) compadd -- bash zsh; return;;
    esac
  fi
  case $cmd in ${seconds.map(([w]) => w).join('|')}) cmd="$cmd $words[3]";; esac
  if [[ $PREFIX == -* ]]; then
    case $cmd in
${options.map(([n, o]) => `      "${n}") compadd -- ${o};;`).join('\n')}
    esac
  else
    _files
  fi
}
# Loaded from $fpath (autoload): complete now; sourced: register.
if [[ $funcstack[1] == _clientflow ]]; then _clientflow "$@"; else compdef _clientflow clientflow; fi
`;
}

export function completionScript(shell: string, commands: Record<string, Command>): string {
  if (shell === 'bash') return bash(commands);
  if (shell === 'zsh') return zsh(commands);
  throw new UsageError(`no completion for ${JSON.stringify(shell)}: bash or zsh`);
}
