CREATE TABLE `autofollow_rules` (
	`leader_alias` text NOT NULL,
	`name` text NOT NULL,
	`pattern` text NOT NULL,
	`follower_index_pattern` text,
	`settings` text NOT NULL,
	`use_roles` text,
	`num_success` integer DEFAULT 0 NOT NULL,
	`num_failed` integer DEFAULT 0 NOT NULL,
	`num_failed_leader_calls` integer DEFAULT 0 NOT NULL,
	`failed_indices` text NOT NULL,
	`last_execution_time` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`leader_alias`, `name`)
);
--> statement-breakpoint
CREATE TABLE `shard_regions` (
	`follower_index` text NOT NULL,
	`shard` integer NOT NULL,
	`follower_from` integer NOT NULL,
	`follower_to` integer NOT NULL,
	`leader_from` integer NOT NULL,
	`leader_to` integer NOT NULL,
	PRIMARY KEY(`follower_index`, `shard`, `follower_from`),
	FOREIGN KEY (`follower_index`) REFERENCES `replications`(`follower_index`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `shards` ADD `deletes_replicated` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `shards` ADD `foreign_writes_repaired` integer DEFAULT 0 NOT NULL;