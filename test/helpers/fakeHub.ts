// The fake hub lives in tools/lib/ so that `npm run bench` can use it too without importing tests.
export * from "../../tools/lib/fakeHub";
