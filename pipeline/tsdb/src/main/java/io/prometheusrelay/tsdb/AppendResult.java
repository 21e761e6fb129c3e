package io.prometheusrelay.tsdb;

/**
 * What storing a batch did.
 * @param duplicate the engine held the batch already: nothing was stored again
 * @param samples samples stored
 */
public record AppendResult(boolean duplicate, int samples) {

	static final AppendResult DUPLICATE = new AppendResult(true, 0);

}
