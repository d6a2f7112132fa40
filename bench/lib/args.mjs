// Command-line flags of bench/run.mjs.

export const SECTIONS = ["overhead", "memory", "small", "local"];

/** Target ids (bench/lib/targets.mjs); s3-moto runs only when named. */
export const TARGET_IDS = ["local", "s3-sig", "s3-moto", "gcs", "azure"];

export const USAGE = `Usage: node bench/run.mjs [--quick] [--only SECTIONS] [--targets IDS]
                          [--small-count N] [--no-write] [--render]

  --quick          fewer runs and smaller sizes (about 3 minutes)
  --only LIST      comma-separated sections: ${SECTIONS.join(", ")}
  --targets LIST   comma-separated targets: local, s3-sig, gcs, azure (the default),
                   and s3-moto (only when named)
  --small-count N  objects per client in the many-small-objects section, on every target
  --no-write       print the tables without writing bench/results/
  --render         write latest.md again from latest.json with the current NOTES.md
`;

/** Parses argv into { quick, sections, targets, smallCount, write }. */
export function parseArgs(argv) {
  const plan = { quick: false, sections: SECTIONS, targets: undefined, write: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === "--quick") plan.quick = true;
    else if (arg === "--only") plan.sections = listOf(value(), SECTIONS, arg);
    else if (arg === "--targets") plan.targets = listOf(value(), TARGET_IDS, arg);
    else if (arg === "--small-count") plan.smallCount = positive(value(), arg);
    else if (arg === "--no-write") plan.write = false;
    else if (arg === "--render") plan.render = true;
    else if (arg === "--help" || arg === "-h") plan.help = true;
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return plan;
}

function listOf(text, allowed, flag) {
  const items = text.split(",").map((item) => item.trim());
  const unknown = items.find((item) => !allowed.includes(item));
  if (unknown) throw new Error(`${flag}: unknown "${unknown}" (one of ${allowed.join(", ")})`);
  return items;
}

function positive(text, flag) {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} takes a positive integer`);
  return n;
}
