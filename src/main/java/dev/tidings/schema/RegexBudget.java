package dev.tidings.schema;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Runs {@code java.util.regex} searches under a deadline. A match cannot be interrupted, but it reads its
 * input through {@link CharSequence#charAt}: the input here throws {@link Exceeded} once the deadline has
 * passed, which ends even a catastrophically backtracking search.
 */
final class RegexBudget {

    /** Reading the clock on every character would slow every search; once per this many reads is enough. */
    private static final int CLOCK_EVERY = 256;

    /** The budget ran out during a search. */
    static final class Exceeded extends RuntimeException {
        Exceeded() {
            super("regular expression exceeded its time budget", null, false, false);
        }
    }

    private final long deadline;
    private int reads;

    RegexBudget(Duration budget) {
        this.deadline = System.nanoTime() + budget.toNanos();
    }

    /** What the JSON Schema validator asks ({@code Matcher.find()}: patterns are unanchored), within the budget. */
    boolean find(Pattern pattern, String input) {
        return pattern.matcher(new Bounded(input)).find();
    }

    boolean exhausted() {
        return System.nanoTime() - deadline > 0;
    }

    private void tick() {
        if (++reads % CLOCK_EVERY == 0 && exhausted()) {
            throw new Exceeded();
        }
    }

    /** The input as the matcher sees it: every read counts against the budget. */
    private final class Bounded implements CharSequence {

        private final String text;

        Bounded(String text) {
            this.text = text;
        }

        @Override
        public char charAt(int index) {
            tick();
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Bounded(text.substring(start, end));
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
