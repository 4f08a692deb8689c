// Compose's variable substitution in docker-compose.yaml (the Compose file specification, "Interpolation"):
// $VAR and ${VAR}; ${VAR:-default} (unset or empty) and ${VAR-default} (unset); ${VAR:?error} and ${VAR?error};
// ${VAR:+alternative} and ${VAR+alternative}; $$ is a literal $. Enough to read the file as compose would with a
// given .env, without a Docker engine.
const PATTERN = /\$(?:\$|([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\})/g;

export function interpolate(text, env) {
  return text.replace(PATTERN, (whole, bare, name, colon, operator, argument) => {
    if (whole === '$$') return '$';
    const key = bare ?? name;
    const value = env[key];
    const missing = colon ? value === undefined || value === '' : value === undefined;
    if (operator === '-') return missing ? interpolate(argument, env) : value;
    if (operator === '?') {
      if (missing) throw new Error(`${key}: ${argument}`);
      return value;
    }
    if (operator === '+') return missing ? '' : interpolate(argument, env);
    return value ?? '';
  });
}

/** The names a compose file substitutes. */
export function substitutedNames(text) {
  return [...text.matchAll(PATTERN)].map((m) => m[1] ?? m[2]).filter(Boolean);
}
