// Mocha's spec reporter, closed by the plain line CI reads whatever the runner: "N passed, N failed, N skipped".
const Spec = require('mocha/lib/reporters/spec');

class SpecWithTotals extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes, failures, pending } = runner.stats;
      console.log(`mocha: ${passes} passed, ${failures} failed, ${pending} skipped`);
    });
  }
}

module.exports = SpecWithTotals;
