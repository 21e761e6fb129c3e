package io.prometheusrelay.tsdb.model;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * What a batch brings one series: samples of any kind and exemplars, in any order, and the created
 * timestamp of those samples (0 for none).
 * <p>
 * A write may come with its series' {@link SeriesKey} and labels still encoded: the engine finds a
 * series it holds by the key, and the labels are decoded only when nothing has them yet (a new series,
 * one replayed from the log). That is what storing a relayed batch of known series costs least.
 */
public final class SeriesWrite {

	private final @Nullable SeriesKey key;

	private final @Nullable Function<SeriesKey, Labels> decoder;

	/** Decoded, or taken from the series found by the key; a cache whose every value is equal. */
	private @Nullable Labels labels;

	private final List<Sample> samples;

	private final List<Exemplar> exemplars;

	private final long createdTimestamp;

	public SeriesWrite(Labels labels, List<Sample> samples, List<Exemplar> exemplars, long createdTimestamp) {
		this(labels, null, null, samples, exemplars, createdTimestamp);
	}

	public SeriesWrite(Labels labels, List<Sample> samples) {
		this(labels, samples, List.of(), 0);
	}

	private SeriesWrite(@Nullable Labels labels, @Nullable SeriesKey key, @Nullable Function<SeriesKey, Labels> decoder,
			List<Sample> samples, List<Exemplar> exemplars, long createdTimestamp) {
		this.labels = labels;
		this.key = key;
		this.decoder = decoder;
		this.samples = samples;
		this.exemplars = exemplars;
		this.createdTimestamp = createdTimestamp;
	}

	/**
	 * A write whose labels stay encoded in {@code key} until asked for. {@code decoder} must not fail
	 * on it: a caller checks the encoding before it builds the write.
	 */
	public static SeriesWrite keyed(SeriesKey key, Function<SeriesKey, Labels> decoder, List<Sample> samples,
			List<Exemplar> exemplars, long createdTimestamp) {
		return new SeriesWrite(null, key, decoder, samples, exemplars, createdTimestamp);
	}

	public Labels labels() {
		Labels decoded = this.labels;
		if (decoded == null) {
			decoded = Objects.requireNonNull(this.decoder).apply(Objects.requireNonNull(this.key));
			this.labels = decoded;
		}
		return decoded;
	}

	/** Gives the write the labels of the series its key found, so that no one decodes them. */
	public void resolved(Labels series) {
		if (this.labels == null) {
			this.labels = series;
		}
	}

	public @Nullable SeriesKey key() {
		return this.key;
	}

	public List<Sample> samples() {
		return this.samples;
	}

	public List<Exemplar> exemplars() {
		return this.exemplars;
	}

	public long createdTimestamp() {
		return this.createdTimestamp;
	}

	/** The oldest sample's timestamp, {@link Long#MAX_VALUE} without samples. */
	public long sampleMinTime() {
		long min = Long.MAX_VALUE;
		for (Sample sample : this.samples) {
			min = Math.min(min, sample.timestamp());
		}
		return min;
	}

	/** The newest sample's timestamp, {@link Long#MIN_VALUE} without samples. */
	public long sampleMaxTime() {
		long max = Long.MIN_VALUE;
		for (Sample sample : this.samples) {
			max = Math.max(max, sample.timestamp());
		}
		return max;
	}

	/** Equal when the labels, samples, exemplars and created timestamp are; keys and encodings aside. */
	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof SeriesWrite write && labels().equals(write.labels())
				&& this.samples.equals(write.samples) && this.exemplars.equals(write.exemplars)
				&& this.createdTimestamp == write.createdTimestamp);
	}

	@Override
	public int hashCode() {
		return Objects.hash(labels(), this.samples, this.exemplars, this.createdTimestamp);
	}

	@Override
	public String toString() {
		return "SeriesWrite[labels=" + labels() + ", samples=" + this.samples + ", exemplars=" + this.exemplars
				+ ", createdTimestamp=" + this.createdTimestamp + "]";
	}

}
