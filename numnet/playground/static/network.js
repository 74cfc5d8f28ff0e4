// The network diagram: input features on the left, one column per hidden layer, the output node
// on the right; every node shows a small heatmap and every link is coloured by the sign of its
// weight (orange negative, blue positive) and thickened by its magnitude. The DOM is rebuilt
// only when the architecture changes; frames repaint canvases and links in place.

import { ACTIVATIONS, FEATURES, MAX_NEURONS } from "./state.js";
import { cssColor, decodeBase64, featureValues, paintBytes, paintValues } from "./heatmap.js";

const FEATURE_LABELS = {
  x1: "X<sub>1</sub>",
  x2: "X<sub>2</sub>",
  "x1^2": "X<sub>1</sub><sup>2</sup>",
  "x2^2": "X<sub>2</sub><sup>2</sup>",
  x1x2: "X<sub>1</sub>X<sub>2</sub>",
  sin_x1: "sin(X<sub>1</sub>)",
  sin_x2: "sin(X<sub>2</sub>)",
};

const LABEL_WIDTH = 56; // room for the feature names left of the feature nodes
const NODE = 32; // node size (px) for layers of up to 8 neurons, as in TF Playground
const GAP = 10;
const HEAD = 84; // room for each layer's +/- buttons and activation select
const COLUMN_MIN = 54; // narrowest horizontal step between columns (a select must fit)
const COLUMN_HEIGHT = 580; // most vertical room a large layer takes
const OUTPUT_NODE = 32;
const LEVELS = 16; // link colour/width steps per unit of weight

/**
 * Node size and vertical gap for a layer of `n` neurons: layers of up to 8 look like TF
 * Playground, larger ones shrink so that even 64 neurons fit in about COLUMN_HEIGHT pixels.
 */
export function nodeGeometry(n) {
  if (n <= 8) return { size: NODE, gap: GAP };
  const slot = Math.min(NODE + 4, COLUMN_HEIGHT / n);
  const gap = slot >= 20 ? 4 : 2;
  return { size: Math.max(6, Math.floor(slot - gap)), gap };
}

export class NetworkView {
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.signature = "";
    this.links = document.createElement("canvas");
    this.links.className = "links";
    this.featureFrames = new Map();
  }

  /** Rebuild the DOM for `config` when its features, hidden sizes or activations changed. */
  build(config) {
    const signature = JSON.stringify([config.features, config.hidden, config.activations]);
    if (signature === this.signature && this.root.contains(this.links)) return;
    this.signature = signature;
    this.config = config;
    const root = this.root;
    root.replaceChildren(this.links);

    const hidden = config.hidden;
    const width = Math.max(
      root.parentElement.clientWidth - 4,
      LABEL_WIDTH + NODE + (hidden.length + 1) * COLUMN_MIN + OUTPUT_NODE,
    );
    const featureX = LABEL_WIDTH;
    const outputX = width - OUTPUT_NODE - 8;
    const step = (outputX - featureX - NODE) / (hidden.length + 1);
    // Each column is described by the boxes of its nodes, for the links and the frames.
    this.columns = [];

    // Input features: all seven are shown, the selected ones bright and linked.
    const featureBoxes = [];
    FEATURES.forEach((name, i) => {
      const on = config.features.includes(name);
      const node = document.createElement("div");
      node.className = `node feature${on ? " on" : " off"}`;
      node.dataset.testid = `feature-${name}`;
      node.dataset.feature = name;
      node.title = on ? `${name}: click to remove this input` : `${name}: click to add this input`;
      node.style.left = `${featureX}px`;
      node.style.top = `${HEAD + i * (NODE + GAP)}px`;
      node.style.width = node.style.height = `${NODE}px`;
      const canvas = document.createElement("canvas");
      paintValues(canvas, featureValues(name), 25);
      node.append(canvas);
      const label = document.createElement("span");
      label.className = "feature-label";
      label.innerHTML = FEATURE_LABELS[name];
      node.append(label);
      node.addEventListener("click", () => this.handlers.toggleFeature(name));
      root.append(node);
      if (on) featureBoxes.push({ x: featureX, y: HEAD + i * (NODE + GAP), size: NODE });
    });
    this.columns.push({ boxes: featureBoxes, canvases: [] });

    let bottom = HEAD + FEATURES.length * (NODE + GAP);
    hidden.forEach((count, layer) => {
      const x = Math.round(featureX + NODE + step * (layer + 1) - NODE / 2);
      const { size, gap } = nodeGeometry(count);
      const left = x + (NODE - size) / 2;
      const head = Math.min(step, 84) - 4;
      root.append(this.layerHead(layer, count, config.activations[layer], x + NODE / 2, head));
      const boxes = [];
      const canvases = [];
      for (let j = 0; j < count; j += 1) {
        const top = HEAD + j * (size + gap);
        const node = document.createElement("div");
        node.className = "node neuron";
        node.dataset.testid = `neuron-${layer}-${j}`;
        node.style.left = `${left}px`;
        node.style.top = `${top}px`;
        node.style.width = node.style.height = `${size}px`;
        node.title = `layer ${layer + 1}, neuron ${j + 1}`;
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 25;
        node.append(canvas);
        root.append(node);
        boxes.push({ x: left, y: top, size });
        canvases.push(canvas);
        bottom = Math.max(bottom, top + size + gap);
      }
      this.columns.push({ boxes, canvases });
    });

    // Output node, vertically level with the first neurons as in TF Playground.
    const out = document.createElement("div");
    out.className = "node output-node";
    out.style.left = `${outputX}px`;
    out.style.top = `${HEAD}px`;
    out.style.width = out.style.height = `${OUTPUT_NODE}px`;
    out.title = "output";
    const outCanvas = document.createElement("canvas");
    out.append(outCanvas);
    root.append(out);
    this.outputCanvas = outCanvas;
    this.columns.push({ boxes: [{ x: outputX, y: HEAD, size: OUTPUT_NODE }], canvases: [] });

    root.style.width = `${width}px`;
    root.style.height = `${bottom + 8}px`;
    this.width = width;
    this.height = bottom + 8;
  }

  layerHead(layer, count, activation, centre, width) {
    const head = document.createElement("div");
    head.className = "layer-head";
    head.style.left = `${centre - width / 2}px`;
    head.style.width = `${width}px`;
    const buttons = document.createElement("div");
    buttons.className = "plus-minus";
    const plus = document.createElement("button");
    plus.className = "round small";
    plus.id = `add-neuron-${layer}`;
    plus.dataset.testid = `add-neuron-${layer}`;
    plus.textContent = "+";
    plus.title = "add a neuron";
    plus.disabled = count >= MAX_NEURONS;
    plus.addEventListener("click", () => this.handlers.changeNeurons(layer, +1));
    const minus = document.createElement("button");
    minus.className = "round small";
    minus.id = `remove-neuron-${layer}`;
    minus.dataset.testid = `remove-neuron-${layer}`;
    minus.textContent = "\u2212";
    minus.title = "remove a neuron";
    minus.disabled = count <= 1;
    minus.addEventListener("click", () => this.handlers.changeNeurons(layer, -1));
    buttons.append(plus, minus);
    const label = document.createElement("div");
    label.className = "neuron-count";
    label.id = `neuron-count-${layer}`;
    label.textContent = `${count} neuron${count === 1 ? "" : "s"}`;
    const select = document.createElement("select");
    select.className = "layer-activation";
    select.id = `activation-${layer}`;
    select.dataset.testid = `activation-${layer}`;
    select.title = `activation of hidden layer ${layer + 1}`;
    for (const name of ACTIVATIONS) select.append(new Option(name, name));
    select.value = activation;
    select.addEventListener("change", () => this.handlers.setActivation(layer, select.value));
    head.append(buttons, label, select);
    return head;
  }

  /** Repaint node heatmaps and links from a FRAME. */
  update(frame, discretize) {
    if (!this.columns) return;
    (frame.neurons ?? []).forEach((layer, i) => {
      const column = this.columns[i + 1];
      if (!column) return;
      layer.forEach((b64, j) => {
        if (column.canvases[j]) paintBytes(column.canvases[j], decodeBase64(b64), 25);
      });
    });
    if (frame.boundary) {
      paintBytes(
        this.outputCanvas,
        decodeBase64(frame.boundary.data),
        frame.boundary.size,
        discretize,
      );
    }
    this.drawLinks(frame.weights ?? []);
  }

  drawLinks(weights) {
    const canvas = this.links;
    const ratio = window.devicePixelRatio || 1;
    canvas.style.width = `${this.width}px`;
    canvas.style.height = `${this.height}px`;
    const pixelWidth = Math.round(this.width * ratio);
    const pixelHeight = Math.round(this.height * ratio);
    if (canvas.width !== pixelWidth) canvas.width = pixelWidth;
    if (canvas.height !== pixelHeight) canvas.height = pixelHeight;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    // Links are grouped by quantized weight so that each group is one path and one stroke:
    // 10 layers of 64 neurons are ~40k links, far too many to stroke one by one at 10 frames/s.
    const groups = new Map();
    weights.forEach((matrix, l) => {
      const from = this.columns[l]?.boxes ?? [];
      const to = this.columns[l + 1]?.boxes ?? [];
      const total = from.length * to.length;
      // Dense layer pairs get thinner, straight links to stay readable.
      const thin = total > 256 ? 0.35 : total > 64 ? 0.7 : 1;
      const straight = total > 256;
      for (let i = 0; i < from.length && i < matrix.length; i += 1) {
        const a = from[i];
        const ax = a.x + a.size;
        const ay = a.y + a.size / 2;
        for (let j = 0; j < to.length && j < matrix[i].length; j += 1) {
          const w = matrix[i][j];
          if (!Number.isFinite(w)) continue;
          const level = Math.round(Math.max(-5, Math.min(5, w)) * LEVELS);
          const key = `${level}|${thin}`;
          let group = groups.get(key);
          if (!group) {
            group = { level, thin, segments: [] };
            groups.set(key, group);
          }
          const b = to[j];
          group.segments.push(ax, ay, b.x, b.y + b.size / 2, straight ? 1 : 0);
        }
      }
    });
    // Thin (small) weights first, so the strong links are drawn on top.
    const ordered = [...groups.values()].sort((g, h) => Math.abs(g.level) - Math.abs(h.level));
    for (const { level, thin, segments } of ordered) {
      const w = level / LEVELS;
      ctx.beginPath();
      for (let k = 0; k < segments.length; k += 5) {
        const ax = segments[k];
        const ay = segments[k + 1];
        const bx = segments[k + 2];
        const by = segments[k + 3];
        ctx.moveTo(ax, ay);
        if (segments[k + 4]) {
          ctx.lineTo(bx, by);
        } else {
          const mx = (ax + bx) / 2;
          ctx.bezierCurveTo(mx, ay, mx, by, bx, by);
        }
      }
      ctx.strokeStyle = cssColor(w, 0.9);
      ctx.lineWidth = Math.max(0.4, Math.abs(w) * 1.6 * thin);
      ctx.stroke();
    }
  }
}
