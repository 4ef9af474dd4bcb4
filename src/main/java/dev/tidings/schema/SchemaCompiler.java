package dev.tidings.schema;

import dev.tidings.problem.Problem;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * JSON Schema draft 2020-12 with the Vert.x JSON Schema module: checks schema documents against the
 * 2020-12 meta-schema, compiles them, and validates event data. Pure Java without reflection, so it
 * runs unchanged in a native image (the meta-schemas are included as resources).
 */
@ApplicationScoped
public class SchemaCompiler {

    private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final JsonSchemaOptions OPTIONS = new JsonSchemaOptions()
            .setDraft(Draft.DRAFT202012)
            .setBaseUri("https://tidings.dev/schemas/")
            .setOutputFormat(OutputFormat.Basic);

    private final Validator metaValidator;

    public SchemaCompiler(Vertx vertx) {
        this.metaValidator = SchemaRepository.create(OPTIONS)
                .preloadMetaSchema(vertx.fileSystem(), Draft.DRAFT202012)
                .validator(META_SCHEMA);
    }

    /** What makes {@code schema} an invalid draft 2020-12 schema; empty when it is valid. */
    public List<Problem.FieldError> check(Object schema) {
        if (!(schema instanceof JsonObject)) {
            return List.of(new Problem.FieldError("schema", "must be a JSON object (a JSON Schema, draft 2020-12)"));
        }
        return errors("schema", metaValidator.validate(schema));
    }

    public Validator compile(JsonObject schema) {
        return Validator.create(JsonSchema.of(schema), OPTIONS);
    }

    /** The violations of {@code data} (decoded JSON), each named by its location under {@code data}. */
    public List<Problem.FieldError> validate(Validator validator, Object data) {
        return errors("data", validator.validate(data));
    }

    private static List<Problem.FieldError> errors(String root, OutputUnit result) {
        if (Boolean.TRUE.equals(result.getValid())) {
            return List.of();
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        List<OutputUnit> units = result.getErrors() == null || result.getErrors().isEmpty() ? List.of(result) : result.getErrors();
        for (OutputUnit unit : units) {
            String location = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation();
            String field = root + location.replaceFirst("^#", "").replace('/', '.').replaceAll("\\.$", "");
            errors.add(new Problem.FieldError(field, unit.getError() == null ? "is invalid" : unit.getError()));
        }
        return errors;
    }
}
