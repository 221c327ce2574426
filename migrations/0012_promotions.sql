CREATE TABLE `promotions` (
	`follower_index` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`step` text NOT NULL,
	`direction` text NOT NULL,
	`data` text NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
