DROP TABLE seat_cooling;
