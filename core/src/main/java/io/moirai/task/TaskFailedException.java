package io.moirai.task;

/**
 * Thrown by {@link TaskHandle#join()} when the task failed; {@link #getCause()} is the task's error.
 * Immutable once thrown; safe to share between threads.
 */
public class TaskFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception without a cause (for subclasses and serialization). */
    public TaskFailedException() {
        super();
    }

    /**
     * Creates an exception whose cause is the task's error.
     *
     * @param cause the task's error
     */
    public TaskFailedException(Throwable cause) {
        super("task failed: " + cause, cause);
    }

    /**
     * Creates an exception with a message and the task's error.
     *
     * @param message the detail message
     * @param cause the task's error
     */
    public TaskFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
