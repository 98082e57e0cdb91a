/**
 * The arithmetic under Flink's memory model (components/flink/memory.ts), as Flink does it:
 * `MemorySize.multiply(double)` goes through `BigDecimal.valueOf` (the double's shortest decimal,
 * exponent notation included) and truncates; a float option that is blank or not a number stops
 * the process at startup ("Could not parse value ...", ConfigurationUtils).
 */
import { strict as assert } from "assert";
import { FlinkMemoryError, multiplyByFraction, taskManagerMemory } from "../components/flink/memory";

describe("Flink memory arithmetic", () => {
  it("multiplies by a fraction exactly, truncating the product", () => {
    assert.equal(multiplyByFraction(1000n, 0.25), 250n);
    assert.equal(multiplyByFraction(7n, 0.5), 3n);
    assert.equal(multiplyByFraction(100n, 12.5), 1250n);
    assert.equal(multiplyByFraction(10n ** 12n, 1e-7), 100000n, "1e-7 in exponent notation");
    assert.equal(multiplyByFraction(3n, 1e21), 3n * 10n ** 21n, "1e+21");
    assert.equal(
      multiplyByFraction(2n ** 30n, Math.fround(0.1)),
      107374184n,
      "a float option widened to double",
    );
  });

  it("refuses a float option that is blank or not a number, naming it", () => {
    for (const text of [" ", "", "ten", "NaN"])
      assert.throws(
        () => taskManagerMemory(4 * 2 ** 30, { "taskmanager.memory.network.fraction": text }),
        (e: Error) =>
          e instanceof FlinkMemoryError &&
          e.message === `Could not parse value '${text}' for key 'taskmanager.memory.network.fraction'.`,
        JSON.stringify(text),
      );
  });
});
