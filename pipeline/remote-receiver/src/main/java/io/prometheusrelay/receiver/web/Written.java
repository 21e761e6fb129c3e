package io.prometheusrelay.receiver.web;

import io.prometheusrelay.receiver.decode.DecodedBatch;

import org.springframework.http.HttpHeaders;

/**
 * The {@code X-Prometheus-Remote-Write-Samples-Written}, {@code -Histograms-Written} and
 * {@code -Exemplars-Written} headers remote-write 2.0 requires on every answer, success or not:
 * 0 until the batch is acknowledged downstream, then what it holds. Written on the exchange's
 * response before any answer is built, so that every answer carries them. Absent for 1.0.
 */
abstract class Written {

	static final String SAMPLES = "X-Prometheus-Remote-Write-Samples-Written";

	static final String HISTOGRAMS = "X-Prometheus-Remote-Write-Histograms-Written";

	static final String EXEMPLARS = "X-Prometheus-Remote-Write-Exemplars-Written";

	/** For a 1.0 request: no headers. */
	static final Written NONE = new Written() {

		@Override
		void stored(DecodedBatch batch) {
		}

	};

	/** The batch was stored: the headers say what it holds. */
	abstract void stored(DecodedBatch batch);

	/** For a 2.0 request: the headers on {@code response}, each 0 until the batch is stored. */
	static Written on(HttpHeaders response) {
		set(response, 0, 0, 0);
		return new Written() {

			@Override
			void stored(DecodedBatch batch) {
				set(response, batch.samples() - batch.histograms(), batch.histograms(), batch.exemplars());
			}

		};
	}

	private static void set(HttpHeaders response, long samples, long histograms, long exemplars) {
		response.set(SAMPLES, Long.toString(samples));
		response.set(HISTOGRAMS, Long.toString(histograms));
		response.set(EXEMPLARS, Long.toString(exemplars));
	}

}
