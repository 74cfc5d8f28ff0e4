// The playground's whole configuration lives in the URL hash, as in TensorFlow Playground, so a
// copied link reproduces the data (data_seed) and the initial weights (seed). The server owns
// validation: values that do not parse here are passed through as strings so that the server's
// 4xx message names them, instead of being silently replaced.

export const FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1x2", "sin_x1", "sin_x2"];
export const ACTIVATIONS = ["tanh", "relu", "sigmoid", "linear", "elu", "softplus", "arctan"];
export const DATASETS = {
  classification: ["circle", "xor", "gauss", "spiral"],
  regression: ["plane", "multi_gauss"],
};
export const MAX_LAYERS = 10;
export const MAX_NEURONS = 64;

// Field name -> kind; the order is the order of the keys in the hash.
const FIELDS = {
  problem: "str",
  dataset: "str",
  noise: "int",
  train_ratio: "int",
  n_samples: "int",
  batch_size: "int",
  features: "strlist",
  hidden: "intlist",
  activations: "strlist1",
  loss: "str",
  optimizer: "str",
  learning_rate: "float",
  momentum: "float",
  regularization: "str",
  reg_rate: "float",
  dropout: "float",
  batch_norm: "bool",
  seed: "int",
  data_seed: "int",
  epoch_limit: "nullint",
  stop_loss: "nullfloat",
  discretize: "bool",
  show_test: "bool",
};

function parseNumber(text, integer) {
  const trimmed = text.trim();
  if (trimmed === "") return text;
  const value = Number(trimmed);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) return text;
  return value;
}

function parseValue(kind, text) {
  switch (kind) {
    case "str":
      return text;
    case "int":
      return parseNumber(text, true);
    case "float":
      return parseNumber(text, false);
    case "nullint":
      return text === "" || text === "null" ? null : parseNumber(text, true);
    case "nullfloat":
      return text === "" || text === "null" ? null : parseNumber(text, false);
    case "bool":
      if (text === "true" || text === "1") return true;
      if (text === "false" || text === "0") return false;
      return text;
    case "strlist":
      return text === "" ? [] : text.split(",");
    case "strlist1":
      // One name stands for every layer (the server repeats a single string).
      return text.includes(",") || text === "" ? parseValue("strlist", text) : text;
    case "intlist":
      return text === "" ? [] : text.split(",").map((part) => parseNumber(part, true));
    default:
      return text;
  }
}

function formatValue(kind, value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(",");
  return String(value);
}

/**
 * Parse a location hash ("#dataset=spiral&hidden=8,8") into a partial config.
 *
 * Unknown keys are reported in `unknown` and left out; "dataset=upload" is dropped because the
 * uploaded points are not part of the link.
 */
export function parseHash(hash) {
  const config = {};
  const unknown = [];
  let droppedUpload = false;
  const text = hash.startsWith("#") ? hash.slice(1) : hash;
  if (text.trim() === "") return { config, unknown, droppedUpload };
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
    const raw = decodeURIComponent(eq < 0 ? "" : pair.slice(eq + 1).replace(/\+/g, " "));
    if (!(key in FIELDS)) {
      unknown.push(key);
      continue;
    }
    if (key === "dataset" && raw === "upload") {
      droppedUpload = true;
      continue;
    }
    config[key] = parseValue(FIELDS[key], raw);
  }
  return { config, unknown, droppedUpload };
}

/** Serialize a (normalized) config to a hash string, keys in a stable order. */
export function formatHash(config) {
  const parts = [];
  for (const [key, kind] of Object.entries(FIELDS)) {
    if (!(key in config)) continue;
    const text = formatValue(kind, config[key]);
    parts.push(`${key}=${encodeURIComponent(text).replace(/%2C/g, ",").replace(/%5E/g, "^")}`);
  }
  return `#${parts.join("&")}`;
}

/** Replace the hash without adding a history entry (TF Playground does the same). */
export function writeHash(config) {
  const hash = formatHash(config);
  if (window.location.hash !== hash) {
    window.history.replaceState(null, "", hash);
  }
}
