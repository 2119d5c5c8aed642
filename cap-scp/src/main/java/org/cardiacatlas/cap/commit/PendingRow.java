package org.cardiacatlas.cap.commit;

import java.util.Date;

/** A row of {@code stgcmt_pending}: one storage commitment request until its report is delivered. */
public final class PendingRow {
    public Long pk;
    public String transactionUid;
    public String requesterAet;
    public String calledAet;
    public String remote;
    public String state;
    public Integer numRequested;
    public Integer numFailed;
    public byte[] requested;
    public byte[] outcome;
    public Integer attempts;
    public String lastError;
    public Date createdTime;
    /** Computed by the select: whether the row is older than the expiry. */
    public Boolean expired;
}
