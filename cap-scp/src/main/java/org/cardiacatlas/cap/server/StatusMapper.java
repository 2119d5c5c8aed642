package org.cardiacatlas.cap.server;

/** Counts of the archive for capserver status. */
interface StatusMapper {
    long patients();

    long studies();

    long series();

    long instances();

    Long bytes();

    long xpacsPatients();

    long xpacsStudies();

    long xpacsPending();
}
