package dev.steward.spi.data;

/** The logical type of a dataset column. */
public enum ColumnType {
    INTEGER,
    FLOAT,
    BOOLEAN,
    STRING,
    DATE,
    TIMESTAMP;

    public boolean numeric() {
        return this == INTEGER || this == FLOAT;
    }
}
