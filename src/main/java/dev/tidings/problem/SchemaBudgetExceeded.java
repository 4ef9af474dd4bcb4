package dev.tidings.problem;

/** 422: checking the data against its schema took longer than the service allows, so the event is refused. */
public class SchemaBudgetExceeded extends ProblemException {

    public SchemaBudgetExceeded(String eventType, int version) {
        super(422, "Validating the data against the schema of " + eventType + " version " + version
                + ": schema evaluation exceeded its time budget.");
    }
}
