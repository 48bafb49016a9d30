// The middle value of a run of timings (the upper middle for an even count): benches report it
// because one slow run on a shared machine moves it less than it moves the mean.
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
