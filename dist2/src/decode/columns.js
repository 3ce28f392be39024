// Growable typed arrays: decoders append millions of numbers per snapshot, and a typed array grown by
// doubling costs a fraction of the memory and time of a JS array of boxed numbers.
export class GrowableU32 {
    data;
    length = 0;
    constructor(initial = 1024) {
        this.data = new Uint32Array(Math.max(16, initial));
    }
    push(v) {
        if (this.length === this.data.length)
            this.grow();
        this.data[this.length++] = v;
    }
    grow() {
        const next = new Uint32Array(this.data.length * 2);
        next.set(this.data);
        this.data = next;
    }
    toArray() {
        return this.data.slice(0, this.length);
    }
}
export class GrowableF64 {
    data;
    length = 0;
    constructor(initial = 1024) {
        this.data = new Float64Array(Math.max(16, initial));
    }
    push(v) {
        if (this.length === this.data.length)
            this.grow();
        this.data[this.length++] = v;
    }
    grow() {
        const next = new Float64Array(this.data.length * 2);
        next.set(this.data);
        this.data = next;
    }
    toArray() {
        return this.data.slice(0, this.length);
    }
}
//# sourceMappingURL=columns.js.map