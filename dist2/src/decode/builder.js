// Assembles a columnar Snapshot: interns frames, appends stacks into growing typed arrays, checks limits.
// Every decoder (pprof and the Go text forms) builds through this, so all forms yield the same shape.
import { LimitError } from '../errors.js';
import { LIMIT_FLAGS } from '../limits.js';
import { GrowableF64, GrowableU32 } from './columns.js';
export class SnapshotBuilder {
    header;
    limits;
    frames = [];
    frameIndex = new Map();
    stackStart;
    stackFrames;
    values;
    labels = null;
    goroutineInfo = null;
    truncation = null;
    warnings = [];
    count = 0;
    /** `expect` sizes the columns up front when the decoder knows them (pprof does, text forms do not). */
    constructor(header, limits, expect = { samples: 1024, frames: 1024 }) {
        this.header = header;
        this.limits = limits;
        this.stackStart = new GrowableU32(expect.samples + 1);
        this.stackFrames = new GrowableU32(expect.frames);
        this.values = new GrowableF64(expect.samples * header.sampleTypes.length);
        this.stackStart.push(0);
    }
    /** Replace header fields learned late (a text dump's kind, a trailing period...). */
    setHeader(patch) {
        this.header = { ...this.header, ...patch };
    }
    /** The index of a frame, interning it on first sight. */
    frame(func, file, line, inlined = false) {
        const key = `${func}\u0000${file}\u0000${line}\u0000${inlined ? 1 : 0}`;
        let index = this.frameIndex.get(key);
        if (index === undefined) {
            index = this.frames.length;
            if (index >= this.limits.maxLocations) {
                throw new LimitError(this.header.source, 'decode', `more than ${this.limits.maxLocations} distinct frames; raise ${LIMIT_FLAGS.maxLocations} if this profile is genuine`);
            }
            this.frames.push({ function: func, file, line, inlined });
            this.frameIndex.set(key, index);
        }
        return index;
    }
    /** The frame object for an index returned by frame(). */
    frameAt(index) {
        return this.frames[index];
    }
    /**
     * Append one sample. `stack` holds frame indices leaf first; `values` one number per sample type.
     * `info` and `labels` must be given for every sample or for none.
     */
    addSample(stack, values, extra = {}) {
        if (this.count >= this.limits.maxSamples) {
            throw new LimitError(this.header.source, 'decode', `more than ${this.limits.maxSamples} samples; raise ${LIMIT_FLAGS.maxSamples} if this profile is genuine`);
        }
        if (stack.length > this.limits.maxStackDepth) {
            throw new LimitError(this.header.source, 'decode', `a stack of ${stack.length} frames exceeds the limit of ${this.limits.maxStackDepth}; raise ${LIMIT_FLAGS.maxStackDepth} if this profile is genuine`);
        }
        for (let i = 0; i < stack.length; i++)
            this.stackFrames.push(stack[i]);
        this.stackStart.push(this.stackFrames.length);
        for (let i = 0; i < values.length; i++)
            this.values.push(values[i]);
        if (extra.labels !== undefined) {
            this.labels ??= new Array(this.count).fill(null);
            this.labels.push(extra.labels);
        }
        else if (this.labels !== null) {
            this.labels.push(null);
        }
        if (extra.info !== undefined) {
            (this.goroutineInfo ??= []).push(extra.info);
        }
        this.count++;
    }
    /**
     * Appends frames to the sample being built, for decoders that resolve a stack piece by piece (pprof
     * locations); finish it with endSample. addSample is the one-call form.
     */
    pushFrames(frames) {
        for (let i = 0; i < frames.length; i++)
            this.stackFrames.push(frames[i]);
    }
    /** Ends the sample whose frames were pushed since the last sample ended. */
    endSample(values, labels) {
        if (this.count >= this.limits.maxSamples) {
            throw new LimitError(this.header.source, 'decode', `more than ${this.limits.maxSamples} samples; raise ${LIMIT_FLAGS.maxSamples} if this profile is genuine`);
        }
        const depth = this.stackFrames.length - this.stackStart.data[this.stackStart.length - 1];
        if (depth > this.limits.maxStackDepth) {
            throw new LimitError(this.header.source, 'decode', `a stack of ${depth} frames exceeds the limit of ${this.limits.maxStackDepth}; raise ${LIMIT_FLAGS.maxStackDepth} if this profile is genuine`);
        }
        this.stackStart.push(this.stackFrames.length);
        for (let i = 0; i < values.length; i++)
            this.values.push(values[i]);
        if (labels !== null) {
            this.labels ??= new Array(this.count).fill(null);
            this.labels.push(labels);
        }
        else if (this.labels !== null) {
            this.labels.push(null);
        }
        this.count++;
    }
    get sampleCount() {
        return this.count;
    }
    warn(message) {
        if (!this.warnings.includes(message))
            this.warnings.push(message);
    }
    truncated(reason, goroutinesRead) {
        this.truncation = { reason, goroutinesRead };
    }
    build() {
        const h = this.header;
        if (this.goroutineInfo !== null && this.goroutineInfo.length !== this.count) {
            throw new Error('SnapshotBuilder: goroutine info given for some samples but not all');
        }
        return {
            source: h.source,
            form: h.form,
            kind: h.kind,
            sampleTypes: h.sampleTypes,
            defaultSampleType: h.defaultSampleType ?? -1,
            period: h.period ?? null,
            timeMs: h.timeMs ?? null,
            durationNanos: h.durationNanos ?? 0,
            frames: this.frames,
            sampleCount: this.count,
            stackStart: this.stackStart.toArray(),
            stackFrames: this.stackFrames.toArray(),
            values: this.values.toArray(),
            labels: this.labels,
            goroutineInfo: this.goroutineInfo,
            declaredTotal: h.declaredTotal ?? null,
            truncation: this.truncation,
            binary: h.binary ?? null,
            warnings: this.warnings,
            repairs: [],
            part: null,
        };
    }
}
/** Sample i's stack as frame indices, leaf first (a view, not a copy). */
export function stackOf(s, i) {
    return s.stackFrames.subarray(s.stackStart[i], s.stackStart[i + 1]);
}
//# sourceMappingURL=builder.js.map