// The playground page: parses the URL hash, creates a session on the server, opens its frame
// stream and keeps every control, the network diagram and the output in sync with the server's
// normalized config. The server validates everything; its messages are shown, never swallowed.

import { ApiError, Session } from "./api.js";
import { LossChart } from "./chart.js";
import { decodeBase64, drawPoints, paintBytes, thumbnailPoints } from "./heatmap.js";
import { NetworkView } from "./network.js";
import { DATASETS, MAX_LAYERS, parseHash, writeHash } from "./state.js";

const $ = (id) => document.getElementById(id);

const app = {
  session: null,
  config: null,
  data: { train: [], test: [] },
  frame: null,
  hover: null,
  pending: 0, // config changes sent and not yet answered
  busy: 0, // requests queued or in flight (the tests wait for 0)
  received: 0, // frames taken, and frames drawn (several may arrive between two paints)
  rendered: 0,
  renderMs: 0, // time spent drawing the last frame
  queue: Promise.resolve(),
  renderQueued: false,
};
// Read-only handle for debugging from the console and for the end-to-end tests.
window.playground = app;

const chart = new LossChart($("loss-chart"));
const network = new NetworkView($("network"), {
  toggleFeature,
  changeNeurons,
  setActivation,
});
const boundaryCanvas = document.createElement("canvas");
app.views = { chart, network };

// ---------------------------------------------------------------- messages

function showMessage(text, kind = "error") {
  const box = $("message");
  box.className = `message ${kind}`;
  $("message-text").textContent = text;
  box.hidden = false;
}

function clearMessage() {
  $("message").hidden = true;
}

function report(err) {
  showMessage(err instanceof ApiError ? err.message : `Unexpected error: ${err.message ?? err}`);
}

// Requests go out one at a time, in the order of the user's actions.
function enqueue(task) {
  app.busy += 1;
  app.queue = app.queue.then(task).finally(() => {
    app.busy -= 1;
  });
  return app.queue;
}

// ---------------------------------------------------------------- formatting

function formatLoss(value) {
  if (value === null || value === undefined) return "\u2013";
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(3);
}

function formatAccuracy(value) {
  return value === null || value === undefined ? "\u2013" : `${(value * 100).toFixed(1)}%`;
}

function formatEpoch(epoch) {
  return String(epoch).padStart(6, "0").replace(/(\d)(?=(\d{3})+$)/g, "$1,");
}

// ---------------------------------------------------------------- applying server answers

/** Take a GET-shaped body ({config, data, frame, history}) from the server. */
function applyBody(body) {
  if (!body) return;
  if (body.config && app.pending === 0) setConfig(body.config);
  if (body.data) app.data = body.data;
  if (body.history) chart.setHistory(body.history);
  if (body.frame) takeFrame(body.frame, Boolean(body.history));
}

function setConfig(config) {
  app.config = config;
  writeHash(config);
  syncControls();
  network.build(config);
  scheduleRender();
}

function takeFrame(frame, historyIncluded = false) {
  app.frame = frame;
  app.received += 1;
  if (!historyIncluded) chart.addPoint(frame.point);
  scheduleRender();
}

function scheduleRender() {
  if (app.renderQueued) return;
  app.renderQueued = true;
  requestAnimationFrame(() => {
    app.renderQueued = false;
    const began = performance.now();
    render();
    app.rendered += 1;
    app.renderMs = performance.now() - began;
  });
}

// ---------------------------------------------------------------- controls <- config

function setSelect(select, value) {
  const text = String(value);
  if (![...select.options].some((o) => o.value === text)) {
    select.append(new Option(text, text));
  }
  select.value = text;
}

function syncControls() {
  const c = app.config;
  setSelect($("learning-rate"), c.learning_rate);
  // The global select shows the common activation, or "(per layer)" when the layers differ.
  const acts = c.activations;
  const uniform = acts.every((a) => a === acts[0]);
  $("activation").value =
    acts.length === 0 ? (app.lastActivation ?? "tanh") : uniform ? acts[0] : "mixed";
  $("regularization").value = c.regularization;
  setSelect($("reg-rate"), c.reg_rate);
  $("problem").value = c.problem;
  $("loss").value = c.loss;
  $("loss").querySelector('option[value="cross_entropy"]').disabled = c.problem !== "classification";
  $("optimizer").value = c.optimizer;
  setSelect($("momentum"), c.momentum);
  $("momentum-box").classList.toggle("inactive", c.optimizer !== "momentum");
  setSelect($("dropout"), c.dropout);
  $("batch-norm").checked = Boolean(c.batch_norm);
  if (document.activeElement !== $("epoch-limit")) $("epoch-limit").value = c.epoch_limit ?? "";
  if (document.activeElement !== $("stop-loss")) $("stop-loss").value = c.stop_loss ?? "";
  $("seed").textContent = c.seed;
  $("data-seed").textContent = c.data_seed;
  const sliders = [
    ["train-ratio", c.train_ratio, `${c.train_ratio}%`],
    ["noise", c.noise, String(c.noise)],
    ["batch-size", c.batch_size, String(c.batch_size)],
    ["n-samples", c.n_samples, String(c.n_samples)],
  ];
  for (const [id, value, label] of sliders) {
    $(id).value = value;
    $(`${id}-value`).textContent = label;
  }
  $("show-test").checked = Boolean(c.show_test);
  $("discretize").checked = Boolean(c.discretize);
  $("layer-count").textContent = c.hidden.length;
  $("layer-word").textContent = c.hidden.length === 1 ? "hidden layer" : "hidden layers";
  $("add-layer").disabled = c.hidden.length >= MAX_LAYERS;
  $("remove-layer").disabled = c.hidden.length === 0;
  buildDatasets();
}

function buildDatasets() {
  const c = app.config;
  const box = $("datasets");
  const names = [...DATASETS[c.problem]];
  if (c.dataset === "upload") names.push("upload");
  const key = names.join(",");
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    box.replaceChildren();
    for (const name of names) {
      const button = document.createElement("button");
      button.className = "dataset";
      button.id = `dataset-${name}`;
      button.dataset.testid = `dataset-${name}`;
      button.dataset.name = name;
      button.title = name === "upload" ? "your uploaded CSV" : name.replace("_", " ");
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 96;
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#f4f5f6";
      ctx.fillRect(0, 0, 96, 96);
      if (name === "upload") {
        ctx.fillStyle = "#666";
        ctx.font = "bold 18px sans-serif";
        ctx.textAlign = "center";
        ctx.fillText("CSV", 48, 55);
      } else {
        drawPoints(ctx, thumbnailPoints(name), 96, { radius: 2.6, scale: 1 });
      }
      button.append(canvas);
      button.addEventListener("click", () => {
        if (name !== "upload") change({ dataset: name });
      });
      box.append(button);
    }
  }
  for (const button of box.children) {
    button.classList.toggle("selected", button.dataset.name === c.dataset);
  }
}

// ---------------------------------------------------------------- rendering

function render() {
  const frame = app.frame;
  const c = app.config;
  if (!frame || !c) return;
  $("epoch").textContent = formatEpoch(frame.epoch);
  $("test-loss").textContent = formatLoss(frame.test_loss);
  $("train-loss").textContent = formatLoss(frame.train_loss);
  $("test-accuracy").textContent = formatAccuracy(frame.test_accuracy);
  $("train-accuracy").textContent = formatAccuracy(frame.train_accuracy);
  for (const el of document.querySelectorAll(".accuracy")) {
    el.hidden = frame.test_accuracy === null || frame.test_accuracy === undefined;
  }
  $("epoch-time").textContent =
    frame.epoch_ms === null || frame.epoch_ms === undefined || frame.epoch === 0
      ? "\u2013 ms"
      : `${frame.epoch_ms < 10 ? frame.epoch_ms.toFixed(2) : frame.epoch_ms.toFixed(1)} ms`;
  document.body.classList.toggle("playing", Boolean(frame.playing));
  const reason = $("stop-reason");
  reason.hidden = !frame.stop_reason;
  reason.textContent = frame.stop_reason ? `Paused: ${frame.stop_reason}.` : "";
  network.update(frame, Boolean(c.discretize));
  chart.draw();
  renderOutput();
}

function renderOutput() {
  const frame = app.frame;
  const c = app.config;
  const canvas = $("output-heatmap");
  const ratio = window.devicePixelRatio || 1;
  const size = canvas.clientWidth;
  const pixels = Math.round(size * ratio);
  if (canvas.width !== pixels) canvas.width = canvas.height = pixels;
  const ctx = canvas.getContext("2d");
  // Hovering a neuron shows its own heatmap in the big square, as TF Playground does.
  const hovered = app.hover && frame.neurons?.[app.hover[0]]?.[app.hover[1]];
  if (hovered) {
    paintBytes(boundaryCanvas, decodeBase64(hovered), 25);
  } else if (frame.boundary) {
    paintBytes(boundaryCanvas, decodeBase64(frame.boundary.data), frame.boundary.size, c.discretize);
  }
  // A slightly paler background lets the saturated data points stand out, as in TF Playground.
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, pixels, pixels);
  ctx.globalAlpha = 0.8;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(boundaryCanvas, 0, 0, pixels, pixels);
  ctx.globalAlpha = 1;
  drawPoints(ctx, app.data.train ?? [], pixels, { scale: ratio });
  if (c.show_test) drawPoints(ctx, app.data.test ?? [], pixels, { test: true, scale: ratio });
}

// ---------------------------------------------------------------- talking to the server

/**
 * Send a partial config. The change is shown at once (so quick repeated clicks build on each
 * other) and requests go out one at a time; the server's normalized config wins once every
 * pending change has been answered, and a rejected change is rolled back to the server's state.
 */
function change(partial) {
  if (!app.session) return Promise.resolve();
  app.config = { ...app.config, ...partial };
  syncControls();
  network.build(app.config);
  writeHash(app.config);
  app.pending += 1;
  return enqueue(async () => {
    try {
      const body = await app.session.patch(partial);
      app.pending -= 1;
      clearMessage();
      applyBody(body);
    } catch (err) {
      app.pending -= 1;
      report(err);
      await resync();
    }
  });
}

async function resync() {
  try {
    const body = await app.session.get();
    if (app.pending === 0) applyBody(body);
  } catch (err) {
    report(err);
  }
}

function control(action, body) {
  if (!app.session) return Promise.resolve();
  return enqueue(async () => {
    try {
      const answer = await app.session.control(action, body);
      if (answer && answer.config) applyBody(answer);
      else if (answer && answer.frame) takeFrame(answer.frame);
      if (action !== "play") clearMessage();
    } catch (err) {
      report(err);
    }
  });
}

function toggleFeature(name) {
  const features = app.config.features.includes(name)
    ? app.config.features.filter((f) => f !== name)
    : [...app.config.features, name];
  if (features.length === 0) {
    showMessage("At least one input feature must stay selected.");
    return;
  }
  change({ features });
}

function changeNeurons(layer, delta) {
  const hidden = [...app.config.hidden];
  hidden[layer] = Math.max(1, hidden[layer] + delta);
  change({ hidden });
}

function setActivation(layer, name) {
  const activations = [...app.config.activations];
  activations[layer] = name;
  change({ activations });
}

function changeLayers(delta) {
  const hidden = [...app.config.hidden];
  const activations = [...app.config.activations];
  if (delta > 0) {
    if (hidden.length >= MAX_LAYERS) return;
    hidden.push(2);
    activations.push(activations[activations.length - 1] ?? app.lastActivation ?? "tanh");
  } else {
    if (hidden.length === 0) return;
    hidden.pop();
    activations.pop();
  }
  change({ hidden, activations });
}

function openStream() {
  const session = app.session;
  let failures = 0;
  const connect = () => {
    session.stream(
      (frame) => {
        failures = 0;
        if (session === app.session) takeFrame(frame);
      },
      (code) => {
        if (session !== app.session) return;
        if (code === 4404) {
          showMessage("This session no longer exists on the server (idle too long?). Reload the page.");
          return;
        }
        failures += 1;
        if (failures <= 5) setTimeout(connect, 500 * failures);
        else showMessage("Lost the connection to the server's frame stream. Reload the page.");
      },
    );
  };
  connect();
}

function setExportLinks() {
  $("export-model").href = app.session.exportUrl("model");
  $("export-python").href = app.session.exportUrl("python");
}

// ---------------------------------------------------------------- wiring

function onChange(id, handler, event = "change") {
  $(id).addEventListener(event, handler);
}

function wireControls() {
  onChange("play-button", () => control(app.frame?.playing ? "pause" : "play"), "click");
  onChange("step-button", () => control("step"), "click");
  onChange("reset-button", () => control("reset"), "click");
  onChange("reseed-button", () => control("reseed"), "click");
  onChange("regenerate-button", () => control("regenerate"), "click");
  onChange("add-layer", () => changeLayers(+1), "click");
  onChange("remove-layer", () => changeLayers(-1), "click");
  onChange("message-close", clearMessage, "click");

  onChange("learning-rate", (e) => change({ learning_rate: Number(e.target.value) }));
  onChange("activation", (e) => {
    app.lastActivation = e.target.value;
    change({ activations: app.config.hidden.map(() => e.target.value) });
  });
  onChange("regularization", (e) => change({ regularization: e.target.value }));
  onChange("reg-rate", (e) => change({ reg_rate: Number(e.target.value) }));
  onChange("problem", (e) => {
    const problem = e.target.value;
    change({ problem, dataset: DATASETS[problem][0], loss: "mse" });
  });
  onChange("loss", (e) => change({ loss: e.target.value }));
  onChange("optimizer", (e) => change({ optimizer: e.target.value }));
  onChange("momentum", (e) => change({ momentum: Number(e.target.value) }));
  onChange("dropout", (e) => change({ dropout: Number(e.target.value) }));
  onChange("batch-norm", (e) => change({ batch_norm: e.target.checked }));
  const nullableNumber = (text) => (text.trim() === "" ? null : Number(text));
  onChange("epoch-limit", (e) => change({ epoch_limit: nullableNumber(e.target.value) }));
  onChange("stop-loss", (e) => change({ stop_loss: nullableNumber(e.target.value) }));
  onChange("show-test", (e) => change({ show_test: e.target.checked }));
  onChange("discretize", (e) => change({ discretize: e.target.checked }));

  const sliders = [
    ["train-ratio", "train_ratio", (v) => `${v}%`],
    ["noise", "noise", String],
    ["batch-size", "batch_size", String],
    ["n-samples", "n_samples", String],
  ];
  for (const [id, field, label] of sliders) {
    onChange(id, (e) => ($(`${id}-value`).textContent = label(e.target.value)), "input");
    onChange(id, (e) => change({ [field]: Number(e.target.value) }));
  }

  onChange("upload-input", async (e) => {
    const input = e.target;
    const file = input.files && input.files[0];
    if (!file || !app.session) return;
    const text = await file.text();
    input.value = "";
    enqueue(async () => {
      try {
        applyBody(await app.session.upload(text));
        clearMessage();
      } catch (err) {
        report(err);
      }
    });
  });

  // Hovering a neuron previews its heatmap in the output square.
  $("network").addEventListener("mouseover", (e) => {
    const node = e.target.closest(".neuron");
    if (!node) return;
    const [, layer, j] = node.dataset.testid.split("-").map(Number);
    app.hover = [layer, j];
    scheduleRender();
  });
  $("network").addEventListener("mouseout", (e) => {
    if (e.target.closest(".neuron")) {
      app.hover = null;
      scheduleRender();
    }
  });

  window.addEventListener("resize", () => {
    network.signature = "";
    if (app.config) network.build(app.config);
    scheduleRender();
  });
  // A hash typed or pasted by hand (replaceState never fires this) starts over from that link.
  window.addEventListener("hashchange", () => window.location.reload());
  // Frees the server-side session as soon as the tab goes away (the idle reaper is the backstop).
  window.addEventListener("pagehide", () => {
    if (!app.session) return;
    app.session.close();
    fetch(new URL(`api/sessions/${app.session.id}`, window.location.href), {
      method: "DELETE",
      keepalive: true,
    }).catch(() => {});
  });
}

async function start() {
  wireControls();
  const { config, unknown, droppedUpload } = parseHash(window.location.hash);
  const notes = [];
  if (unknown.length) notes.push(`Unknown settings in the link were ignored: ${unknown.join(", ")}.`);
  if (droppedUpload) notes.push("Uploaded data is not part of a link; upload the CSV again.");
  let created;
  let rejected = false;
  try {
    created = await Session.create(config);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status < 400 || err.status >= 500 || err.status === 429) {
      report(err);
      return;
    }
    rejected = true;
    const sentence = /[.!?]$/.test(err.message) ? err.message : `${err.message}.`;
    notes.unshift(`${sentence} Using the default settings instead.`);
    try {
      created = await Session.create({});
    } catch (err2) {
      report(err2);
      return;
    }
  }
  if (notes.length) showMessage(notes.join(" "), rejected ? "error" : "info");
  app.session = created.session;
  setExportLinks();
  applyBody(created.body);
  openStream();
  document.body.dataset.ready = "true";
}

start();
