package io.prometheusrelay.grpcclient;

import io.prometheusrelay.protocol.remotewrite.TimeSeries;

/** Where the client prints series. */
interface SeriesWriter {

	void write(TimeSeries series);

	/** After the last series: print what was held back, flush. */
	void finish();

}
