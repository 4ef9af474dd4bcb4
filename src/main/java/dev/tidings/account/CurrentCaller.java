package dev.tidings.account;

import jakarta.enterprise.context.RequestScoped;

/** The caller of the current request, resolved once by {@link CallerResolution} before any resource runs. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("No authenticated caller in this request");
        }
        return caller;
    }
}
