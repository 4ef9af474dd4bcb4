package dev.tidings.problem;

/** 410: the cursor points before what the log still holds (CONTRACT §12); names the oldest sequence held. */
public class Gone extends ProblemException {

    private final long oldestSequence;

    public Gone(String detail, long oldestSequence) {
        super(410, detail);
        this.oldestSequence = oldestSequence;
    }

    @Override
    public Problem toProblem() {
        Problem problem = super.toProblem();
        return new Problem(problem.type(), problem.title(), problem.status(), problem.detail(), null, oldestSequence);
    }
}
