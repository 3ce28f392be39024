// The data model every stage shares. Names follow pprof's profile.proto (ValueType, Sample, Function, Line)
// where the concept is the same; ids and string-table indices are resolved at decode time, so nothing after
// the decoder ever sees a protobuf index.
export {};
//# sourceMappingURL=model.js.map