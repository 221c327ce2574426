CREATE TABLE `ferry_instance` (
	`id` text PRIMARY KEY NOT NULL,
	`bound_to` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `replications` ADD `replication_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Replications started before ids existed get one derived from the row, so that copies of one database
-- made before this migration still agree on it.
UPDATE `replications` SET `replication_id` = 'legacy-' || `follower_index` || '-' || `created_at`;
