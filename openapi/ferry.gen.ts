// Generated from openapi/ferry.yaml by `npm run openapi:types`. Do not edit.

export interface paths {
    "/_plugins/_replication/{index}/_start": components["pathItems"]["Start"];
    "/_plugins/_replication/{index}/_stop": components["pathItems"]["Stop"];
    "/_plugins/_replication/{index}/_pause": components["pathItems"]["Pause"];
    "/_plugins/_replication/{index}/_resume": components["pathItems"]["Resume"];
    "/_plugins/_replication/{index}/_status": components["pathItems"]["Status"];
    "/_plugins/_replication/{index}/_update": components["pathItems"]["Update"];
    "/_plugins/_replication/_autofollow": components["pathItems"]["AutoFollow"];
    "/_plugins/_replication/leader_stats": components["pathItems"]["LeaderStats"];
    "/_plugins/_replication/follower_stats": components["pathItems"]["FollowerStats"];
    "/_plugins/_replication/autofollow_stats": components["pathItems"]["AutoFollowStats"];
    "/_plugins/_replication/_bulk_start": components["pathItems"]["BulkStart"];
    "/_plugins/_replication/_bulk_stop": components["pathItems"]["BulkStop"];
    "/_plugins/_replication/_bulk_pause": components["pathItems"]["BulkPause"];
    "/_plugins/_replication/_bulk_resume": components["pathItems"]["BulkResume"];
    "/_plugins/_replication/_bulk_status": components["pathItems"]["BulkStatus"];
    "/_plugins/_replication/_task_status/{task_id}": components["pathItems"]["TaskStatus"];
    "/_plugins/_replication/_task_cancel/{task_id}": components["pathItems"]["TaskCancel"];
    "/_plugins/_replication/{index}/_promote": components["pathItems"]["Promote"];
    "/_plugins/_replication/_promote": components["pathItems"]["SitePromote"];
    "/_opendistro/_replication/{index}/_start": components["pathItems"]["OpenDistroStart"];
    "/_opendistro/_replication/{index}/_stop": components["pathItems"]["Stop"];
    "/_opendistro/_replication/{index}/_pause": components["pathItems"]["Pause"];
    "/_opendistro/_replication/{index}/_resume": components["pathItems"]["Resume"];
    "/_opendistro/_replication/{index}/_status": components["pathItems"]["Status"];
    "/_opendistro/_replication/{index}/_update": components["pathItems"]["Update"];
    "/_opendistro/_replication/_autofollow": components["pathItems"]["OpenDistroAutoFollow"];
    "/_opendistro/_replication/leader_stats": components["pathItems"]["LeaderStats"];
    "/_opendistro/_replication/follower_stats": components["pathItems"]["FollowerStats"];
    "/_opendistro/_replication/autofollow_stats": components["pathItems"]["AutoFollowStats"];
    "/_opendistro/_replication/_bulk_start": components["pathItems"]["BulkStart"];
    "/_opendistro/_replication/_bulk_stop": components["pathItems"]["BulkStop"];
    "/_opendistro/_replication/_bulk_pause": components["pathItems"]["BulkPause"];
    "/_opendistro/_replication/_bulk_resume": components["pathItems"]["BulkResume"];
    "/_opendistro/_replication/_bulk_status": components["pathItems"]["BulkStatus"];
    "/_opendistro/_replication/_task_status/{task_id}": components["pathItems"]["TaskStatus"];
    "/_opendistro/_replication/_task_cancel/{task_id}": components["pathItems"]["TaskCancel"];
    "/_opendistro/_replication/{index}/_promote": components["pathItems"]["Promote"];
    "/_opendistro/_replication/_promote": components["pathItems"]["SitePromote"];
    "/_data_stream/_promote/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Elasticsearch's promote of a followed data stream, on ferry's address.
         * @description When ferry follows a data stream of this name (docs/data-streams.md), it promotes the stream as
         *     `POST _plugins/_replication/{name}/_promote` without a body does (planned when the leader answers),
         *     and answers as Elasticsearch does. Any other name goes to the follower cluster unchanged.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The follower data stream. */
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                200: components["responses"]["Acknowledged"];
                default: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_ferry/settings": {
        parameters: {
            query?: {
                pretty?: components["parameters"]["Pretty"];
                human?: components["parameters"]["Human"];
                error_trace?: components["parameters"]["ErrorTrace"];
                filter_path?: components["parameters"]["FilterPath"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every tunable with its value, default, bounds, unit, source and whether it applies live. */
        get: {
            parameters: {
                query?: {
                    pretty?: components["parameters"]["Pretty"];
                    human?: components["parameters"]["Human"];
                    error_trace?: components["parameters"]["ErrorTrace"];
                    filter_path?: components["parameters"]["FilterPath"];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The settings, by name. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SettingsView"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        /**
         * Change tunables without a restart; persisted. A null value goes back to configuration.
         * @description All or nothing: one unknown name or out-of-bounds value refuses the request with a 400 and changes nothing. Millisecond settings also take time values (`30s`). The plugin's `plugins.replication.*` names can also be set through `PUT _cluster/settings` on ferry's address.
         */
        put: {
            parameters: {
                query?: {
                    pretty?: components["parameters"]["Pretty"];
                    human?: components["parameters"]["Human"];
                    error_trace?: components["parameters"]["ErrorTrace"];
                    filter_path?: components["parameters"]["FilterPath"];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SettingsUpdateRequest"];
                };
            };
            responses: {
                /** @description The values now in force. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SettingsUpdateResponse"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_ferry/remotes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the registered leader clusters (secrets are never returned). */
        get: {
            parameters: {
                query?: {
                    pretty?: components["parameters"]["Pretty"];
                    human?: components["parameters"]["Human"];
                    error_trace?: components["parameters"]["ErrorTrace"];
                    filter_path?: components["parameters"]["FilterPath"];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every remote, by alias. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RemoteList"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_ferry/remotes/{alias}": {
        parameters: {
            query?: {
                pretty?: components["parameters"]["Pretty"];
                human?: components["parameters"]["Human"];
                error_trace?: components["parameters"]["ErrorTrace"];
                filter_path?: components["parameters"]["FilterPath"];
            };
            header?: never;
            path: {
                /** @description The leader cluster's alias, as used in `leader_alias`. */
                alias: components["parameters"]["Alias"];
            };
            cookie?: never;
        };
        /** One leader cluster (secrets are never returned). */
        get: {
            parameters: {
                query?: {
                    pretty?: components["parameters"]["Pretty"];
                    human?: components["parameters"]["Human"];
                    error_trace?: components["parameters"]["ErrorTrace"];
                    filter_path?: components["parameters"]["FilterPath"];
                };
                header?: never;
                path: {
                    /** @description The leader cluster's alias, as used in `leader_alias`. */
                    alias: components["parameters"]["Alias"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The remote. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Remote"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        /** Add or replace a leader cluster under an alias (the plugin's `leader_alias`). */
        put: {
            parameters: {
                query?: {
                    pretty?: components["parameters"]["Pretty"];
                    human?: components["parameters"]["Human"];
                    error_trace?: components["parameters"]["ErrorTrace"];
                    filter_path?: components["parameters"]["FilterPath"];
                };
                header?: never;
                path: {
                    /** @description The leader cluster's alias, as used in `leader_alias`. */
                    alias: components["parameters"]["Alias"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RemoteInput"];
                };
            };
            responses: {
                /** @description Stored; `created` tells whether the alias is new. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RemotePutResponse"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        post?: never;
        /** Forget a leader cluster. */
        delete: {
            parameters: {
                query?: {
                    pretty?: components["parameters"]["Pretty"];
                    human?: components["parameters"]["Human"];
                    error_trace?: components["parameters"]["ErrorTrace"];
                    filter_path?: components["parameters"]["FilterPath"];
                };
                header?: never;
                path: {
                    /** @description The leader cluster's alias, as used in `leader_alias`. */
                    alias: components["parameters"]["Alias"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                200: components["responses"]["Acknowledged"];
                default: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_ferry/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and readiness; 503 while the follower cluster cannot be reached. */
        get: {
            parameters: {
                query?: {
                    pretty?: components["parameters"]["Pretty"];
                    human?: components["parameters"]["Human"];
                    error_trace?: components["parameters"]["ErrorTrace"];
                    filter_path?: components["parameters"]["FilterPath"];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Ready. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Health"];
                    };
                };
                /** @description Not ready. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Health"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics of replications, leader clusters and the process.
         * @description Prometheus text exposition format 0.0.4. Names, labels and how their number stays bounded are in
         *     docs/operations.md ("Metrics"). Served at the path Prometheus scrapes by default, so `GET /metrics` does
         *     not reach an index named `metrics` through the proxy.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The metrics. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_ferry/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document, as JSON. */
        get: {
            parameters: {
                query?: {
                    pretty?: components["parameters"]["Pretty"];
                    human?: components["parameters"]["Human"];
                    error_trace?: components["parameters"]["ErrorTrace"];
                    filter_path?: components["parameters"]["FilterPath"];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The OpenAPI document. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, never>;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_ferry/ui": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The dashboard, an HTML page that reads the routes below and the replication API.
         * @description Its scripts, styles and chart library are served by ferry (`/_ferry/ui/assets/...`); the page
         *     loads nothing from elsewhere. Its buttons call `_pause`, `_resume`, `_stop` and `_promote`.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The page. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_ferry/ui/assets/{asset}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A script or style sheet of the dashboard. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    asset: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The file. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/javascript": string;
                        "text/css": string;
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_ferry/ui/api/replications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One page of the dashboard's replication list.
         * @description Followers whose follower or leader index name contains `filter` (any case), in natural name
         *     order, `size` to a page: status, lag in operations, bootstrap progress and the errors being retried.
         */
        get: {
            parameters: {
                query?: {
                    /** @description 1-based. */
                    page?: number;
                    size?: number;
                    filter?: string;
                    pretty?: components["parameters"]["Pretty"];
                    filter_path?: components["parameters"]["FilterPath"];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The page. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UiReplicationPage"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_ferry/ui/api/lag/{index}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The follower's lag in operations over the last hour, sampled every 5 s by this process. */
        get: {
            parameters: {
                query?: {
                    pretty?: components["parameters"]["Pretty"];
                    filter_path?: components["parameters"]["FilterPath"];
                };
                header?: never;
                path: {
                    /** @description The follower index. */
                    index: components["parameters"]["Index"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The samples, oldest first. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UiLagSeries"];
                    };
                };
                default: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        TimeValue: string;
        UseRoles: {
            leader_cluster_role?: string;
            follower_cluster_role?: string;
        };
        /** @description Index settings, nested (`{"index":{"number_of_replicas":0}}`) or flat (`{"index.number_of_replicas":0}`). */
        IndexSettings: {
            [key: string]: unknown;
        };
        StartRequest: {
            /** @description Alias of the leader cluster. */
            leader_alias: string;
            /** @description Concrete index on the leader. */
            leader_index: string;
            use_roles?: components["schemas"]["UseRoles"];
            settings?: components["schemas"]["IndexSettings"];
        };
        /** @description The OpenDistro-era start body; `remote_cluster` is `leader_alias`, `remote_index` is `leader_index`. */
        OpenDistroStartRequest: {
            remote_cluster: string;
            remote_index: string;
        };
        /** @description Exactly `{}`. */
        StopRequest: Record<string, never>;
        PauseRequest: {
            /** @description Shown by status; `User initiated` when absent. */
            reason?: string;
        };
        PromoteRequest: {
            /** @description Promote unplanned without asking the leader. */
            force?: boolean;
            timeout?: components["schemas"]["PromoteTimeout"];
            /** @description Alias on the follower cluster that is moved onto the promoted index as its write index (added when it does not exist; removed from any other index that holds it). */
            write_alias?: string;
            /** @description Fail-back (planned promotions only): once promoted, replicate the promoted index back into the old leader index, which then follows without a full copy. */
            reverse?: boolean;
        };
        /** @description Longest drain of a planned promote, e.g. `30s`; `ferry.promote.timeout` when absent. */
        PromoteTimeout: string;
        SitePromoteRequest: {
            /** @description Promote every follower index of this leader cluster and disable all its auto-follow rules. */
            leader_alias?: string;
            /** @description Promote the follower indices this pattern selects (comma lists with `-` exclusions). */
            pattern?: string;
            /** @description Promote every index unplanned without asking the leader (a lost site). */
            force?: boolean;
            timeout?: components["schemas"]["PromoteTimeout"];
        } & (unknown | unknown);
        /** @description One promoted index of a whole-site promote: the essentials of its `{index}/_promote` answer, whose `guarantee` for the same `promotion` applies. */
        SitePromoteOutcome: {
            index: string;
            /** @enum {string} */
            promotion: "planned" | "unplanned";
            unplanned_because?: string;
            leader_alias: string;
            leader_index: string;
            leader_write_block?: boolean;
            documents?: {
                leader: number;
                follower: number;
            };
            shards: components["schemas"]["PromoteShard"][];
            took_millis: number;
        };
        PromoteShard: {
            shard: number;
            /** @description Every leader operation up to this sequence number is on the follower. */
            follower_checkpoint: number;
            /** @description Leader deletes up to this sequence number are also settled on the follower. */
            reconciled_checkpoint: number;
            /** @description Planned: the leader's final global checkpoint. Unplanned: the last one ferry saw (the leader may have gone further). */
            leader_checkpoint: number;
            /** @description Unplanned only; leader operations ferry knew of and had not copied. */
            operations_missing_at_most?: number;
        };
        PromoteResponse: {
            acknowledged: boolean;
            /** @enum {string} */
            promotion: "planned" | "unplanned";
            unplanned_because?: string;
            guarantee: string;
            follower_index: string;
            leader_alias: string;
            leader_index: string;
            /** @description Planned only; the leader index keeps its write block so that it cannot diverge. */
            leader_write_block?: boolean;
            /** @description Planned only; documents counted on both sides once drained. */
            documents?: {
                leader: number;
                follower: number;
            };
            write_alias?: {
                alias: string;
                removed_from: string[];
            };
            reverse?: components["schemas"]["ReverseReplication"];
            shards: components["schemas"]["PromoteShard"][];
            took_millis: number;
            /** @description When the name is a follower data stream's (docs/data-streams.md): each backing index's promote, newest first. The answer then names the streams, its `shards` is empty, `documents` sums them, and `promotion` is `unplanned` when any of them was. */
            ferry_backing_indices?: components["schemas"]["SitePromoteOutcome"][];
        };
        ReverseReplication: {
            /** @description The promoted side, i.e. ferry's follower cluster. */
            leader_alias: string;
            leader_index: string;
            /** @description The old leader's cluster, which now follows. */
            follower_alias: string;
            follower_index: string;
            /** @enum {string} */
            bootstrap: "none" | "snapshot";
        };
        ResumeRequest: {
            /** @description Re-bootstrap from a snapshot if the follower can no longer continue where it stopped. */
            force_resume?: boolean;
        };
        /** @description `{"settings":{...}}` or a bare settings object; every key is an index setting. */
        UpdateSettingsRequest: {
            settings?: components["schemas"]["IndexSettings"];
        } & {
            [key: string]: unknown;
        };
        AutoFollowRequest: {
            leader_alias: string;
            /** @description The rule's name, unique per leader alias. */
            name: string;
            /** @description One wildcard pattern of leader index names. */
            pattern: string;
            /** @description Follower name for each leader index; must contain `{{leader_index}}`. */
            follower_index_pattern?: string;
            use_roles?: components["schemas"]["UseRoles"];
            settings?: components["schemas"]["IndexSettings"];
            /** @description ferry extension. False follows only leader indices created after the rule; default true. */
            start_existing?: boolean;
        };
        AutoFollowUpdateRequest: {
            leader_alias: string;
            name: string;
            pattern: string;
            follower_index_pattern?: string;
            use_roles?: components["schemas"]["UseRoles"];
            settings?: components["schemas"]["IndexSettings"];
        };
        AutoFollowCreated: {
            acknowledged: boolean;
            /** @description ferry extension. Existing leader indices the new rule starts following now. */
            existing_indices?: number;
        };
        AutoFollowRule: {
            leader_alias: string;
            name: string;
            pattern: string;
            follower_index_pattern?: string;
            settings: {
                [key: string]: unknown;
            };
            use_roles?: components["schemas"]["UseRoles"];
            /** @description Present while the rule is disabled: a whole-site promote disabled it (`reason` says which task), or a `_pause` of the data stream whose start made it (docs/data-streams.md). It polls no leader and starts nothing until `PUT _autofollow` with its definition enables it. */
            disabled?: {
                /** @description Epoch milliseconds. */
                at: number;
                reason: string;
            };
        };
        AutoFollowRuleList: {
            rules: components["schemas"]["AutoFollowRule"][];
        };
        StartOutcome: {
            leader_index: string;
            follower_index: string;
            /** @enum {string} */
            result: "started" | "already_replicating" | "refused";
            reason?: string;
        };
        StartResponse: {
            acknowledged: boolean;
            /** @description ferry extension, on a wildcard start only. The outcome per matching leader index. */
            indices?: components["schemas"]["StartOutcome"][];
        };
        BulkRequest: {
            /** @description Index pattern; ferry also takes comma lists with `-` exclusions. */
            pattern: string;
            /** @description Required for `_bulk_start`. */
            leader_alias?: string;
            use_roles?: components["schemas"]["UseRoles"];
            filters?: {
                exclude_index?: string[];
            };
        };
        BulkAccepted: {
            acknowledged: boolean;
            task_id: string;
        };
        BulkStatus: {
            indices: {
                [key: string]: components["schemas"]["StatusResponse"];
            };
        };
        BulkTaskStatus: {
            /** @enum {string} */
            operation_type: "bulk_start_replication" | "bulk_stop_replication" | "bulk_pause_replication" | "bulk_resume_replication" | "bulk_promote_replication";
            /** @description A whole-site promote by `leader_alias` shows `*`. */
            pattern: string;
            /** @description ferry extension, whole-site promote by `leader_alias` only. */
            leader_alias?: string;
            /** @description Epoch milliseconds. */
            start_time: number;
            num_success: number;
            num_failed: number;
            num_pending: number;
            num_cancelled: number;
            failed_indices: {
                index: string;
                failure_reason: string;
            }[];
            /** @description ferry extension, whole-site promote only. The indices promoted so far. */
            promoted_indices?: components["schemas"]["SitePromoteOutcome"][];
            /** @description ferry extension, whole-site promote only. The auto-follow rules this task disabled. */
            disabled_autofollow_rules?: {
                leader_alias: string;
                name: string;
            }[];
        };
        AutoFollowDeleteRequest: {
            leader_alias: string;
            name: string;
            pattern?: unknown;
            follower_index_pattern?: unknown;
        };
        /** @description The OpenDistro-era rule body; `connection` is `leader_alias`. */
        OpenDistroAutoFollowRequest: {
            connection: string;
            name: string;
            pattern: string;
        };
        /** @description The OpenDistro-era rule deletion body; `connection` is `leader_alias`. */
        OpenDistroAutoFollowDeleteRequest: {
            connection: string;
            name: string;
            pattern?: unknown;
        };
        Acknowledged: {
            acknowledged: boolean;
        };
        /** @enum {string} */
        ReplicationStatus: "BOOTSTRAPPING" | "SYNCING" | "RUNNING" | "PAUSED" | "FAILED" | "STOPPED" | "REPLICATION NOT IN PROGRESS";
        SyncingDetails: {
            leader_checkpoint: number;
            follower_checkpoint: number;
            seq_no: number;
        };
        BootstrapDetails: {
            bytes_total: number;
            bytes_recovered: number;
            bytes_percent: number;
            files_total: number;
            files_recovered: number;
            files_percent: number;
            /** @description Epoch milliseconds. */
            start_time: number;
            /** @description Milliseconds. */
            running_time: number;
        };
        ShardReplicationDetails: {
            /** @description `[<follower>][<n>]` */
            shard_id: string;
            syncing_task_details?: components["schemas"]["SyncingDetails"];
            bootstrap_task_details?: components["schemas"]["BootstrapDetails"];
        };
        StatusResponse: {
            status: components["schemas"]["ReplicationStatus"];
            reason?: string;
            leader_alias?: string;
            leader_index?: string;
            follower_index?: string;
            syncing_details?: components["schemas"]["SyncingDetails"];
            bootstrap_details?: components["schemas"]["BootstrapDetails"];
            shard_replication_details?: components["schemas"]["ShardReplicationDetails"][];
            /** @description The replication's `use_roles`, and which credential each side runs with. */
            use_roles?: {
                leader_cluster_role: string;
                follower_cluster_role: string;
                leader_credential: components["schemas"]["RoleCredential"];
                follower_credential: components["schemas"]["RoleCredential"];
            };
            /**
             * @description How the follower is kept read-only (docs/design.md, "Read-only followers"); `unknown` when the follower did not answer in time.
             * @enum {string}
             */
            ferry_write_guard?: "final_pipeline" | "proxy_only" | "unknown";
            /** @description How the follower was bootstrapped. */
            ferry_bootstrap?: string;
            /** @description While a snapshot bootstrap restores: the follower's recovery limit caps the restore below what `ferry.bootstrap.max_bytes_per_sec` allows (docs/configuration.md, "Bootstrap bandwidth"). */
            ferry_restore_limit?: {
                /** @enum {string} */
                setting: "indices.recovery.max_bytes_per_sec";
                /** @description The limit per node as the follower writes it, such as `100kb`, or `41943040b` (40 MB) for the default. */
                value: string;
                reason: string;
            };
            /** @description The follower's remote alias, when ferry's own cluster is the leader (after a fail-back). */
            ferry_follower_alias?: string;
            /** @description Follower documents delete sweeps removed because the leader had deleted them. */
            deletes_replicated?: number;
            /** @description Follower documents delete sweeps rewrote from the leader after someone else wrote them. */
            foreign_writes_repaired?: number;
            /** @description When the name is a follower data stream's (docs/data-streams.md): the status of the replication of each backing index, oldest first. The answer's `status` is the most urgent of them (FAILED, then PAUSED, then BOOTSTRAPPING, else SYNCING), its `syncing_details` their sum. */
            ferry_backing_indices?: {
                leader_index: string;
                follower_index: string;
                status: components["schemas"]["ReplicationStatus"];
                reason?: string;
            }[];
            /** @description Recoverable errors being retried right now, per shard. */
            ferry_retrying?: {
                shard: number;
                retries: number;
                last_error: string;
            }[];
        };
        /**
         * @description `cluster_role`: the credential configured for the role (`cluster_roles`); `ferry`: the role has none,
         *     so that side runs with ferry's own credential for the cluster (unless `ferry.use_roles.strict`).
         * @enum {string}
         */
        RoleCredential: "cluster_role" | "ferry";
        /**
         * @description What ferry read from the leader for its follow cycles (docs/operations.md, "Stats"). ferry reads through search
         *     only, never the translog: the translog counters are 0 by construction, and `translog_size_bytes`
         *     (the leader shards' translog size, which ferry does not ask for) is absent.
         */
        LeaderIndexStats: {
            operations_read: number;
            translog_size_bytes?: number;
            operations_read_lucene: number;
            operations_read_translog: number;
            total_read_time_lucene_millis: number;
            total_read_time_translog_millis: number;
            bytes_read: number;
        };
        LeaderStats: components["schemas"]["LeaderIndexStats"] & {
            num_replicated_indices: number;
            index_stats: {
                [key: string]: components["schemas"]["LeaderIndexStats"];
            };
        };
        FollowerIndexStats: {
            operations_written: number;
            operations_read: number;
            failed_read_requests: number;
            throttled_read_requests: number;
            failed_write_requests: number;
            throttled_write_requests: number;
            follower_checkpoint: number;
            leader_checkpoint: number;
            total_write_time_millis: number;
        };
        FollowerStats: components["schemas"]["FollowerIndexStats"] & {
            num_syncing_indices: number;
            num_bootstrapping_indices: number;
            num_paused_indices: number;
            num_failed_indices: number;
            num_shard_tasks: number;
            num_index_tasks: number;
            index_stats: {
                [key: string]: components["schemas"]["FollowerIndexStats"];
            };
        };
        AutoFollowRuleStats: {
            name: string;
            pattern: string;
            /** @description The plugin gives it since 3.6; the OpenSearch API specification lacks it. */
            leader_alias?: string;
            num_success_start_replication: number;
            num_failed_start_replication: number;
            num_failed_leader_calls: number;
            failed_indices: string[];
            /** @description Epoch milliseconds. */
            last_execution_time: number;
            /**
             * @description ferry extension (plugin issue 327): matching leader indices whose follower name is taken by a
             *     local index ferry does not replicate, as of the latest poll.
             */
            blocked_indices?: {
                leader_index: string;
                follower_index: string;
                reason: string;
            }[];
        };
        AutoFollowStats: {
            num_success_start_replication: number;
            num_failed_start_replication: number;
            num_failed_leader_calls: number;
            failed_indices: string[];
            autofollow_stats: components["schemas"]["AutoFollowRuleStats"][];
        };
        ErrorCause: {
            /** @description The exception type, e.g. `illegal_argument_exception`. */
            type: string;
            reason: string;
            caused_by?: components["schemas"]["ErrorCause"];
        } & {
            [key: string]: unknown;
        };
        ErrorResponse: {
            error: components["schemas"]["ErrorCause"] & {
                root_cause: components["schemas"]["ErrorCause"][];
            };
            status: number;
        };
        RemoteAuthInput: {
            /** @enum {string} */
            type: "none" | "basic" | "api_key";
            username?: string;
            password?: string;
            api_key?: string;
        };
        RemoteTlsInput: {
            /** @description PEM text of the CA that signed the cluster's certificate. */
            ca?: string;
            /** @description Verify the cluster's certificate (default true). */
            verify?: boolean;
        };
        RemoteInput: {
            /** @description One URL or a list, each `http(s)://host:port`. */
            hosts: string | string[];
            auth?: components["schemas"]["RemoteAuthInput"];
            tls?: components["schemas"]["RemoteTlsInput"];
        };
        Remote: {
            alias: string;
            hosts: string[];
            auth: {
                /** @enum {string} */
                type: "none" | "basic" | "api_key";
                username?: string;
            };
            tls: {
                verify?: boolean;
                /**
                 * @description Present when a CA is configured; its text is never returned.
                 * @constant
                 */
                ca?: "<set>";
            };
            /**
             * @description Where the remote was defined.
             * @enum {string}
             */
            source: "config" | "api";
        };
        RemoteList: {
            remotes: components["schemas"]["Remote"][];
        };
        RemotePutResponse: {
            acknowledged: boolean;
            created: boolean;
        };
        UiReplicationPage: {
            /** @description Replications matching the filter. */
            total: number;
            page: number;
            size: number;
            /** @description Every replication by status, whatever the filter. */
            counts: {
                BOOTSTRAPPING: number;
                SYNCING: number;
                PAUSED: number;
                FAILED: number;
            };
            replications: components["schemas"]["UiReplication"][];
        };
        UiReplication: {
            follower_index: string;
            leader_alias: string;
            leader_index: string;
            /** @enum {string} */
            status: "BOOTSTRAPPING" | "SYNCING" | "PAUSED" | "FAILED";
            reason: string | null;
            /** @description Leader operations the follower is not known to hold (`_status` leader_checkpoint minus follower_checkpoint); null unless syncing. */
            lag_operations: number | null;
            bootstrap?: {
                /** @enum {string} */
                step: "snapshot" | "restore";
                /** @description The restore's progress, as `bootstrap_details` in `_status`. */
                progress?: {
                    [key: string]: number;
                };
            };
            /** @description As `ferry_retrying` in `_status`. */
            retrying: {
                shard: number;
                retries: number;
                last_error: string;
            }[];
        };
        UiLagSeries: {
            follower_index: string;
            interval_ms: number;
            /** @description Epoch milliseconds, oldest first. */
            times: number[];
            /** @description Operations behind at each time; null where the follower was not syncing. */
            lag: (number | null)[];
        };
        SettingsView: {
            [key: string]: {
                value: number;
                default: number;
                /** @enum {string} */
                source: "default" | "config" | "api";
                min: number;
                max: number;
                /** @enum {string} */
                unit: "count" | "ms" | "bytes";
                /**
                 * @description `restart`: kept, and in force from the next start.
                 * @enum {string}
                 */
                applies: "live" | "restart";
                doc: string;
            };
        };
        SettingsUpdateRequest: {
            [key: string]: number | string | null;
        };
        SettingsUpdateResponse: {
            acknowledged: boolean;
            applied: {
                [key: string]: number;
            };
            restart_required: string[];
        };
        Health: {
            /** @enum {string} */
            status: "ready" | "unavailable";
            /** @description Aliases of the remotes whose connection accepts any certificate (`tls.verify` false). */
            remotes_tls_unverified: string[];
            follower: {
                reachable: boolean;
                /** @description False when the connection to the follower accepts any certificate (FERRY_FOLLOWER_TLS_VERIFY=false). */
                tls_verify: boolean;
                /** @description The follower's cluster health colour. */
                cluster_status?: string;
                reason?: string;
            };
        };
    };
    responses: {
        /** @description No or wrong credentials while ferry's `auth` is configured (`security_exception`). */
        Unauthorized: {
            headers: {
                /** @description `Basic realm="OpenSearch Security"`, as the security plugin sends it. */
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The caller's role may not make this request (`security_exception`, `monitor` on an admin route). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The request was acknowledged. */
        Acknowledged: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Acknowledged"];
            };
        };
        /** @description An error in OpenSearch's shape. */
        Error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
    };
    parameters: {
        /** @description `<node>:<n>`, as answered by a bulk route. */
        TaskId: string;
        /** @description The follower index. */
        Index: string;
        /** @description The leader cluster's alias, as used in `leader_alias`. */
        Alias: string;
        /** @description Answer only once the follower has finished bootstrapping. */
        WaitForRestore: boolean;
        /** @description Add `shard_replication_details`, and `bootstrap_details` while bootstrapping (the plugin's fields the specification lacks). */
        Verbose: boolean;
        /**
         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
         *     the OpenSearch API specification's shape, which clients generated from it accept.
         */
        FerryExtras: boolean;
        ClusterManagerTimeout: components["schemas"]["TimeValue"];
        /** @deprecated */
        MasterTimeout: components["schemas"]["TimeValue"];
        Timeout: components["schemas"]["TimeValue"];
        /** @description Read and ignored, as by the plugin. */
        IgnoreUnavailable: boolean;
        /** @description Read and ignored, as by the plugin. */
        AllowNoIndices: boolean;
        /** @description Read and ignored, as by the plugin. */
        ExpandWildcards: string;
        /** @description The request body, for clients that cannot send one. */
        Source: string;
        SourceContentType: "application/json";
        Pretty: boolean;
        Human: boolean;
        ErrorTrace: boolean;
        FilterPath: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: {
        Start: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The follower index. */
                    index: components["parameters"]["Index"];
                };
                cookie?: never;
            };
            get?: never;
            /**
             * Start replicating a leader index into the follower index named in the path.
             * @description ferry extension (wildcard start): `leader_index` may be a pattern or a comma list with
             *     exclusions (`logs-*,-logs-debug-*`); the path's index is then `*` (followers keep the leaders'
             *     names) or holds `{{leader_index}}` (`copy-{{leader_index}}`). Every matching open leader index
             *     is started (hidden and dot indices only when named), and the answer lists the outcome per index.
             */
            put: {
                parameters: {
                    query?: {
                        /** @description Answer only once the follower has finished bootstrapping. */
                        wait_for_restore?: components["parameters"]["WaitForRestore"];
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        /** @description The request body, for clients that cannot send one. */
                        source?: components["parameters"]["Source"];
                        source_content_type?: components["parameters"]["SourceContentType"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path: {
                        /** @description The follower index. */
                        index: components["parameters"]["Index"];
                    };
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["StartRequest"];
                    };
                };
                responses: {
                    /** @description Acknowledged; a wildcard start adds the outcome per index. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["StartResponse"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            post?: never;
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        OpenDistroStart: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The follower index. */
                    index: components["parameters"]["Index"];
                };
                cookie?: never;
            };
            get?: never;
            /** Start, also with the OpenDistro-era `remote_cluster`/`remote_index` field names. */
            put: {
                parameters: {
                    query?: {
                        /** @description Answer only once the follower has finished bootstrapping. */
                        wait_for_restore?: components["parameters"]["WaitForRestore"];
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        /** @description The request body, for clients that cannot send one. */
                        source?: components["parameters"]["Source"];
                        source_content_type?: components["parameters"]["SourceContentType"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path: {
                        /** @description The follower index. */
                        index: components["parameters"]["Index"];
                    };
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["StartRequest"] | components["schemas"]["OpenDistroStartRequest"];
                    };
                };
                responses: {
                    /** @description Acknowledged; a wildcard start adds the outcome per index. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["StartResponse"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            post?: never;
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        Stop: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The follower index. */
                    index: components["parameters"]["Index"];
                };
                cookie?: never;
            };
            get?: never;
            put?: never;
            /** Stop replication; the follower becomes an ordinary writable index. */
            post: {
                parameters: {
                    query?: {
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        /** @description The request body, for clients that cannot send one. */
                        source?: components["parameters"]["Source"];
                        source_content_type?: components["parameters"]["SourceContentType"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path: {
                        /** @description The follower index. */
                        index: components["parameters"]["Index"];
                    };
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["StopRequest"];
                    };
                };
                responses: {
                    200: components["responses"]["Acknowledged"];
                    default: components["responses"]["Error"];
                };
            };
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        Pause: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The follower index. */
                    index: components["parameters"]["Index"];
                };
                cookie?: never;
            };
            get?: never;
            put?: never;
            /** Pause replication; the follower stays read-only. */
            post: {
                parameters: {
                    query?: {
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        /** @description The request body, for clients that cannot send one. */
                        source?: components["parameters"]["Source"];
                        source_content_type?: components["parameters"]["SourceContentType"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path: {
                        /** @description The follower index. */
                        index: components["parameters"]["Index"];
                    };
                    cookie?: never;
                };
                requestBody?: {
                    content: {
                        "application/json": components["schemas"]["PauseRequest"];
                    };
                };
                responses: {
                    200: components["responses"]["Acknowledged"];
                    default: components["responses"]["Error"];
                };
            };
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        Resume: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The follower index. */
                    index: components["parameters"]["Index"];
                };
                cookie?: never;
            };
            get?: never;
            put?: never;
            /** Resume a paused replication. */
            post: {
                parameters: {
                    query?: {
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        /** @description The request body, for clients that cannot send one. */
                        source?: components["parameters"]["Source"];
                        source_content_type?: components["parameters"]["SourceContentType"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path: {
                        /** @description The follower index. */
                        index: components["parameters"]["Index"];
                    };
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["ResumeRequest"];
                    };
                };
                responses: {
                    200: components["responses"]["Acknowledged"];
                    default: components["responses"]["Error"];
                };
            };
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        Promote: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The follower index. */
                    index: components["parameters"]["Index"];
                };
                cookie?: never;
            };
            get?: never;
            put?: never;
            /**
             * Fail over to the follower; it becomes an ordinary writable index.
             * @description Planned (the leader answers, `force` absent): the leader index gets a write block, the follower
             *     is drained to the leader's final checkpoints with deletes reconciled and per-shard counts
             *     compared, then replication stops. Every write the leader acknowledged is on the follower. When
             *     the drain does not finish within `timeout`, the write block is removed, replication goes on as
             *     before, and the answer is an error.
             *     Unplanned (`force`, or the leader does not answer within `ferry.promote.leader_timeout`):
             *     replication stops at once; the answer gives, per shard, how far the follower is known to hold
             *     the leader's operations and the leader's last known checkpoint.
             *     Each step is recorded: a failure that retries do not cure before the replication ends in ferry's
             *     records rolls the promote back (409 `promote_rolled_back_exception`); one that keeps failing in
             *     the rollback, or after that point, answers 409 `promote_unfinished_exception` while ferry
             *     finishes it alone, also after a restart.
             */
            post: {
                parameters: {
                    query?: {
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        /** @description The request body, for clients that cannot send one. */
                        source?: components["parameters"]["Source"];
                        source_content_type?: components["parameters"]["SourceContentType"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path: {
                        /** @description The follower index. */
                        index: components["parameters"]["Index"];
                    };
                    cookie?: never;
                };
                requestBody?: {
                    content: {
                        "application/json": components["schemas"]["PromoteRequest"];
                    };
                };
                responses: {
                    /** @description The follower was promoted. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["PromoteResponse"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        Status: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The follower index. */
                    index: components["parameters"]["Index"];
                };
                cookie?: never;
            };
            /** Replication status of one follower index. */
            get: {
                parameters: {
                    query?: {
                        /** @description Add `shard_replication_details`, and `bootstrap_details` while bootstrapping (the plugin's fields the specification lacks). */
                        verbose?: components["parameters"]["Verbose"];
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path: {
                        /** @description The follower index. */
                        index: components["parameters"]["Index"];
                    };
                    cookie?: never;
                };
                requestBody?: never;
                responses: {
                    /** @description The status; `REPLICATION NOT IN PROGRESS` when the index is not replicated. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["StatusResponse"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            put?: never;
            post?: never;
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        Update: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The follower index. */
                    index: components["parameters"]["Index"];
                };
                cookie?: never;
            };
            get?: never;
            /** Replace the follower's settings overrides. */
            put: {
                parameters: {
                    query?: {
                        timeout?: components["parameters"]["Timeout"];
                        /** @deprecated */
                        master_timeout?: components["parameters"]["MasterTimeout"];
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        /** @description Read and ignored, as by the plugin. */
                        ignore_unavailable?: components["parameters"]["IgnoreUnavailable"];
                        /** @description Read and ignored, as by the plugin. */
                        allow_no_indices?: components["parameters"]["AllowNoIndices"];
                        /** @description Read and ignored, as by the plugin. */
                        expand_wildcards?: components["parameters"]["ExpandWildcards"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path: {
                        /** @description The follower index. */
                        index: components["parameters"]["Index"];
                    };
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["UpdateSettingsRequest"];
                    };
                };
                responses: {
                    200: components["responses"]["Acknowledged"];
                    default: components["responses"]["Error"];
                };
            };
            post?: never;
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        AutoFollow: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** List the auto-follow rules as they were defined (plugin issue 1394). */
            get: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody?: never;
                responses: {
                    /** @description Every rule. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["AutoFollowRuleList"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            /**
             * Replace a rule's pattern, follower pattern, settings and roles in place (plugin issue 1394).
             * @description Followers the rule created keep replicating; the next evaluation uses the new definition at once. A rule a whole-site promote disabled is enabled again.
             */
            put: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["AutoFollowUpdateRequest"];
                    };
                };
                responses: {
                    200: components["responses"]["Acknowledged"];
                    default: components["responses"]["Error"];
                };
            };
            /**
             * Create an auto-follow rule.
             * @description The rule also starts the matching leader indices that exist already (their number is in
             *     `existing_indices`, given with `ferry_extras=true`) unless `start_existing` is false. Re-posting the same definition is
             *     acknowledged; a different definition for an existing name is refused as by the plugin (500):
             *     use PUT to change a rule.
             */
            post: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["AutoFollowRequest"];
                    };
                };
                responses: {
                    /** @description Acknowledged, with the number of existing indices the rule starts following. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["AutoFollowCreated"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            /** Delete an auto-follow rule; followers it created keep replicating. */
            delete: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["AutoFollowDeleteRequest"];
                    };
                };
                responses: {
                    200: components["responses"]["Acknowledged"];
                    default: components["responses"]["Error"];
                };
            };
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        OpenDistroAutoFollow: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** List the auto-follow rules as they were defined (plugin issue 1394). */
            get: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody?: never;
                responses: {
                    /** @description Every rule. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["AutoFollowRuleList"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            /**
             * Replace a rule's pattern, follower pattern, settings and roles in place (plugin issue 1394).
             * @description Followers the rule created keep replicating; the next evaluation uses the new definition at once. A rule a whole-site promote disabled is enabled again.
             */
            put: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["AutoFollowUpdateRequest"];
                    };
                };
                responses: {
                    200: components["responses"]["Acknowledged"];
                    default: components["responses"]["Error"];
                };
            };
            /** Create an auto-follow rule, also with the OpenDistro-era `connection` field. */
            post: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["AutoFollowRequest"] | components["schemas"]["OpenDistroAutoFollowRequest"];
                    };
                };
                responses: {
                    /** @description Acknowledged, with the number of existing indices the rule starts following. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["AutoFollowCreated"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            /** Delete an auto-follow rule, also with the OpenDistro-era `connection` field. */
            delete: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        cluster_manager_timeout?: components["parameters"]["ClusterManagerTimeout"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["AutoFollowDeleteRequest"] | components["schemas"]["OpenDistroAutoFollowDeleteRequest"];
                    };
                };
                responses: {
                    200: components["responses"]["Acknowledged"];
                    default: components["responses"]["Error"];
                };
            };
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        LeaderStats: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** Read-side counters of the indices this cluster leads. */
            get: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody?: never;
                responses: {
                    /** @description Leader statistics. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["LeaderStats"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            put?: never;
            post?: never;
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        FollowerStats: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** Counters of the follower indices. */
            get: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody?: never;
                responses: {
                    /** @description Follower statistics. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["FollowerStats"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            put?: never;
            post?: never;
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        AutoFollowStats: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** Counters of the auto-follow rules. */
            get: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody?: never;
                responses: {
                    /** @description Auto-follow statistics. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["AutoFollowStats"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            put?: never;
            post?: never;
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        BulkStart: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            get?: never;
            put?: never;
            /** Start replicating every open leader index the pattern selects, as a task (no one-task lock). */
            post: {
                parameters: {
                    query?: {
                        /** @description The request body, for clients that cannot send one. */
                        source?: components["parameters"]["Source"];
                        source_content_type?: components["parameters"]["SourceContentType"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["BulkRequest"];
                    };
                };
                responses: {
                    /** @description The task was created. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["BulkAccepted"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        BulkStop: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            get?: never;
            put?: never;
            /** Stop every follower the pattern selects, as a task. */
            post: {
                parameters: {
                    query?: {
                        /** @description The request body, for clients that cannot send one. */
                        source?: components["parameters"]["Source"];
                        source_content_type?: components["parameters"]["SourceContentType"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["BulkRequest"];
                    };
                };
                responses: {
                    /** @description The task was created. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["BulkAccepted"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        BulkPause: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            get?: never;
            put?: never;
            /** Pause every follower the pattern selects (reason `bulk_pause`), as a task. */
            post: {
                parameters: {
                    query?: {
                        /** @description The request body, for clients that cannot send one. */
                        source?: components["parameters"]["Source"];
                        source_content_type?: components["parameters"]["SourceContentType"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["BulkRequest"];
                    };
                };
                responses: {
                    /** @description The task was created. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["BulkAccepted"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        BulkResume: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            get?: never;
            put?: never;
            /** Resume every paused follower the pattern selects, as a task. */
            post: {
                parameters: {
                    query?: {
                        /** @description The request body, for clients that cannot send one. */
                        source?: components["parameters"]["Source"];
                        source_content_type?: components["parameters"]["SourceContentType"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["BulkRequest"];
                    };
                };
                responses: {
                    /** @description The task was created. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["BulkAccepted"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        BulkStatus: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** Status of every follower the pattern selects, in natural name order. */
            get: {
                parameters: {
                    query?: {
                        /** @description Required; its absence is answered with the plugin's `pattern parameter is required`. */
                        pattern?: string;
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody?: never;
                responses: {
                    /** @description Status per follower index. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["BulkStatus"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            put?: never;
            post?: never;
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        TaskStatus: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description `<node>:<n>`, as answered by a bulk route. */
                    task_id: components["parameters"]["TaskId"];
                };
                cookie?: never;
            };
            /** Progress of a bulk task. ferry keeps tasks in memory, also for a while after they finish. */
            get: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path: {
                        /** @description `<node>:<n>`, as answered by a bulk route. */
                        task_id: components["parameters"]["TaskId"];
                    };
                    cookie?: never;
                };
                requestBody?: never;
                responses: {
                    /** @description The task's counters. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["BulkTaskStatus"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            put?: never;
            post?: never;
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        TaskCancel: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description `<node>:<n>`, as answered by a bulk route. */
                    task_id: components["parameters"]["TaskId"];
                };
                cookie?: never;
            };
            get?: never;
            put?: never;
            /** Cancel a bulk task; indices not yet reached are left alone. */
            post: {
                parameters: {
                    query?: {
                        /**
                         * @description Add ferry's own fields to the answer (those marked `x-ferry-extension`). Without it the answer has
                         *     the OpenSearch API specification's shape, which clients generated from it accept.
                         */
                        ferry_extras?: components["parameters"]["FerryExtras"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path: {
                        /** @description `<node>:<n>`, as answered by a bulk route. */
                        task_id: components["parameters"]["TaskId"];
                    };
                    cookie?: never;
                };
                requestBody?: never;
                responses: {
                    200: components["responses"]["Acknowledged"];
                    default: components["responses"]["Error"];
                };
            };
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
        SitePromote: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            get?: never;
            put?: never;
            /**
             * Promote every follower of a leader cluster, or every follower a pattern selects, as a task.
             * @description Whole-site failover. `leader_alias` selects every follower index replicating from that leader
             *     cluster; `pattern` (the bulk routes' patterns: wildcards, comma lists, `-` exclusions) selects
             *     follower indices by name. Each selected index is promoted exactly as by `{index}/_promote` with
             *     the request's `force` and `timeout` (planned or unplanned per index, `timeout` bounding each
             *     index's drain), at most `plugins.replication.follower.bulk_batch_size` indices at once.
             *     `_task_status/{task_id}` shows progress, `promoted_indices` (each index's promotion and the
             *     essentials of its promote answer) and `failed_indices` (each failure's reason); `_task_cancel`
             *     leaves the indices not reached yet replicating.
             *
             *     Before any index is promoted, auto-follow rules are disabled so that nothing new starts
             *     following the site being left: with `leader_alias`, every rule of that alias; with `pattern`,
             *     every rule that would follow a selected index again (same leader alias, its pattern selects that
             *     index's leader index, and it names its follower as that index). A disabled rule polls no leader
             *     and starts nothing, also after a restart; `GET _autofollow` shows it with `disabled`, and
             *     `PUT _autofollow` with its definition enables it again.
             */
            post: {
                parameters: {
                    query?: {
                        /** @description The request body, for clients that cannot send one. */
                        source?: components["parameters"]["Source"];
                        source_content_type?: components["parameters"]["SourceContentType"];
                        pretty?: components["parameters"]["Pretty"];
                        human?: components["parameters"]["Human"];
                        error_trace?: components["parameters"]["ErrorTrace"];
                        filter_path?: components["parameters"]["FilterPath"];
                    };
                    header?: never;
                    path?: never;
                    cookie?: never;
                };
                requestBody: {
                    content: {
                        "application/json": components["schemas"]["SitePromoteRequest"];
                    };
                };
                responses: {
                    /** @description The task was created. */
                    200: {
                        headers: {
                            [name: string]: unknown;
                        };
                        content: {
                            "application/json": components["schemas"]["BulkAccepted"];
                        };
                    };
                    default: components["responses"]["Error"];
                };
            };
            delete?: never;
            options?: never;
            head?: never;
            patch?: never;
            trace?: never;
        };
    };
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
