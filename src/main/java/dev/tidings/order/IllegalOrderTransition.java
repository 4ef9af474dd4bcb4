package dev.tidings.order;

import dev.tidings.problem.Conflict;

/** 409: the order's status does not allow this step; nothing is written and no event is emitted. */
public class IllegalOrderTransition extends Conflict {

    public IllegalOrderTransition(OrderStatus from, String action) {
        super("An order in status '" + from.wireName() + "' cannot be " + action + ".");
    }
}
