// The small loss chart of the OUTPUT column: test loss in black, training loss in grey, both on
// one linear axis from 0 to the largest loss seen, epochs on x (TF Playground's chart).

export class LossChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.epochs = [];
    this.train = [];
    this.test = [];
  }

  /** Replace the series with a HISTORY object. */
  setHistory(history) {
    this.epochs = [...(history?.epoch ?? [])];
    this.train = [...(history?.train_loss ?? [])];
    this.test = [...(history?.test_loss ?? [])];
  }

  /** Append FRAME.point = [epoch, train_loss, test_loss] when it is new. */
  addPoint(point) {
    if (!point) return;
    const [epoch, train, test] = point;
    const last = this.epochs.length ? this.epochs[this.epochs.length - 1] : -1;
    if (epoch < last) {
      // The server restarted at a lower epoch (reset): start a new series.
      this.epochs = [];
      this.train = [];
      this.test = [];
    } else if (epoch === last) {
      return;
    }
    this.epochs.push(epoch);
    this.train.push(train);
    this.test.push(test);
  }

  draw() {
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
    if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const n = this.epochs.length;
    if (n === 0) return;
    const finite = (v) => Number.isFinite(v);
    let top = 0;
    for (const v of [...this.train, ...this.test]) if (finite(v)) top = Math.max(top, v);
    if (top <= 0) top = 1;
    const first = this.epochs[0];
    const span = Math.max(1, this.epochs[n - 1] - first);
    const pad = 2;
    const x = (e) => pad + ((e - first) / span) * (width - 2 * pad);
    const y = (v) => height - pad - (Math.min(v, top) / top) * (height - 2 * pad);
    const line = (values, colour, widthPx) => {
      ctx.beginPath();
      let started = false;
      for (let i = 0; i < n; i += 1) {
        if (!finite(values[i])) continue;
        if (started) ctx.lineTo(x(this.epochs[i]), y(values[i]));
        else ctx.moveTo(x(this.epochs[i]), y(values[i]));
        started = true;
      }
      ctx.strokeStyle = colour;
      ctx.lineWidth = widthPx;
      ctx.stroke();
    };
    line(this.train, "#999", 1.5);
    line(this.test, "#222", 1.5);
  }
}
