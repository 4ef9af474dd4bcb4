package dev.tidings.schema;

import dev.tidings.problem.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounded regular expressions of schemas, without Quarkus. */
class SchemaPatternsTest {

    @Test
    void patternsAndPatternPropertiesKeysAreFoundWhereTheyAreKeywords() {
        JsonObject schema = new JsonObject()
                .put("properties", new JsonObject()
                        .put("code", new JsonObject().put("type", "string").put("pattern", "^[A-Z]{3}$"))
                        .put("pattern", new JsonObject().put("type", "string")))
                .put("patternProperties", new JsonObject().put("^x-", new JsonObject().put("pattern", "b+")))
                .put("const", new JsonObject().put("pattern", "not a keyword"))
                .put("anyOf", new JsonArray().add(new JsonObject().put("pattern", "c")));

        assertThat(SchemaPatterns.of(schema)).containsExactlyInAnyOrder(
                new SchemaPatterns.Located("schema.properties.code.pattern", "^[A-Z]{3}$"),
                new SchemaPatterns.Located("schema.patternProperties.^x-", "^x-"),
                new SchemaPatterns.Located("schema.patternProperties.^x-.pattern", "b+"),
                new SchemaPatterns.Located("schema.anyOf[0].pattern", "c"));
    }

    @Test
    void catastrophicPatternsFailTheirProbesAndOrdinaryOnesPass() {
        assertThat(SchemaPatterns.passesProbes(Pattern.compile("^(?:(?:a+)+)+$"))).isFalse();
        assertThat(SchemaPatterns.passesProbes(Pattern.compile("^((?:a|a)+)+$"))).isFalse();
        for (String ordinary : List.of("^[A-Z]{3}$", "^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$", "^\\d{4}-\\d{2}-\\d{2}$", "^(a+)+$", "[a-z]+@")) {
            assertThat(SchemaPatterns.passesProbes(Pattern.compile(ordinary))).as(ordinary).isTrue();
        }
    }

    @Test
    void aPatternThatDoesNotCompileIsNamed() {
        JsonObject schema = new JsonObject().put("properties", new JsonObject().put("code", new JsonObject().put("pattern", "(")));
        assertThat(SchemaPatterns.check(schema)).extracting(Problem.FieldError::field).containsExactly("schema.properties.code.pattern");
    }

    @Test
    void evaluationStopsWhenTheBudgetRunsOut() {
        List<Pattern> patterns = List.of(Pattern.compile("^x(?:(?:a+)+)+$"));
        JsonObject adversarial = new JsonObject().put("items", new JsonArray().add(new JsonObject().put("code", "x" + "a".repeat(40) + "!")));
        assertThat(SchemaValidation.patternsEndInTime(patterns, adversarial)).isFalse();
        assertThat(SchemaValidation.patternsEndInTime(patterns, new JsonObject().put("code", "xaaaa"))).isTrue();
    }

    @Test
    void objectKeysAreSearchedToo() {
        List<Pattern> patterns = List.of(Pattern.compile("^(?:(?:a+)+)+$"));
        assertThat(SchemaValidation.patternsEndInTime(patterns, new JsonObject().put("a".repeat(40) + "!", 1))).isFalse();
    }

    @Test
    void namesMustFitTheColumnAndMakeAKafkaTopic() {
        assertThat(EventTypeRegistry.nameErrors("invoice.paid", "events.")).isEmpty();
        assertThat(EventTypeRegistry.nameErrors("r".repeat(242) + ".x", "events.")).isEmpty();
        assertThat(EventTypeRegistry.nameErrors("r".repeat(243) + ".x", "events.")).extracting(Problem.FieldError::field)
                .containsExactly("eventType");
        assertThat(EventTypeRegistry.nameErrors("r".repeat(243) + ".x", "")).isEmpty();
        assertThat(EventTypeRegistry.nameErrors("a." + "b".repeat(254), "")).hasSize(1);
        assertThat(EventTypeRegistry.nameErrors("Not.valid", "events.")).hasSize(1);
    }
}
